"""Write files so a failure never leaves a half-written output."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from optimizer.errors import OptimizerError


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OptimizerError(f"{path}: cannot write, folder '{folder}' does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as err:
        raise OptimizerError(f"{path}: cannot write ({err.strerror})") from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OptimizerError(f"{path}: cannot write ({err.strerror})") from err
