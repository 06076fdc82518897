"""Write files so a failure never leaves a half-written output."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from optimizer.errors import OptimizerError


def check_writable(path: Path) -> None:
    """Fail early, before any work, when `path` cannot be (re)written."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OptimizerError(f"{path}: cannot write, folder '{folder}' does not exist")
    if path.is_dir():
        raise OptimizerError(f"{path}: is a folder; give a file name to write")
    # the mode bits too: root may write anything, but a read-only file means "keep me"
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR):
        raise OptimizerError(
            f"{path}: the file is read-only and is not replaced (make it writable or "
            "choose another file)"
        )


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename.

    Whatever stops the write (an error, Ctrl-C), the temporary file is removed and an
    existing `path` is left as it was. A read-only `path` is refused, not replaced
    (the rename alone would replace it); an existing file keeps its permissions.
    """
    path = Path(path)
    check_writable(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OptimizerError(f"{path}: cannot write ({err.strerror})") from err
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OptimizerError(f"{path}: cannot write ({err.strerror})") from err
    except BaseException:  # Ctrl-C or a bug: no hidden temporary file either
        Path(tmp).unlink(missing_ok=True)
        raise
