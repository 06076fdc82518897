"""Read and validate food tables and the supplement catalog.

Internally every table has the same shape: index `id`, columns `name`, `price`
(USD per unit of amount), `unit_g` (grams in one unit, 100 for per-100 g tables, NaN
when the unit is not a weight), `unit_label`, `serving_units`, `serving_desc`,
`category`, `tags`, `exclusion_reason`, and nutrient columns per unit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import pickle
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.errors import FoodTableError, did_you_mean

META_COLUMNS = (
    "name",
    "price",
    "unit_g",
    "unit_label",
    "serving_units",
    "serving_desc",
    "category",
    "tags",
    "exclusion_reason",
)
ID_ALIASES = ("id", "food_code", "supplement_id")
NAME_ALIASES = ("name", "description")
PRICE_ALIASES = ("price", "price_per_100g", "price_per_unit")
TEXT_COLUMNS = {
    "price_method",
    "serving_desc",
    "exclusion_reason",
    "wweia_category",
    "category",
    "tags",
    "unit",
    "unit_label",
    "price_basis",
    "price_date",
    "description",
    "name",
}
# intake.csv's text columns, which a custom table may carry too (for the realism rules)
INTAKE_TEXT = ("role", "role_basis", "with_category_1", "with_category_2", "with_category_3")
TEXT_COLUMNS |= set(INTAKE_TEXT)
CACHE_VERSION = "3"  # 3: frame.attrs records the companion columns
# Companion tables written by `mealplan data build` beside foods.csv, one row per food
# code (column `food_code`). When a food table has one of these files in its folder, its
# columns are joined to the table on load (foods without a row get empty cells), so the
# intake figures and ingredient flags travel with the table. A custom table without them
# simply lacks those columns, and the rules that need them say so.
COMPANION_FILES = ("intake.csv", "food_flags.csv")
# What a companion file's columns are, for messages ("'respondents' is an intake figure").
COMPANION_KINDS = {"intake.csv": "an intake figure", "food_flags.csv": "an ingredient flag"}
COMPANION_ATTR = "companion_columns"  # key in FoodTable.frame.attrs (pickled with the frame)
# Numbers in a table must be below this: real amounts per 100 g or per unit are far
# smaller, and HiGHS refuses coefficients of 1e15 once rows scale them (x 400 for a
# share of energy), so a larger value is a unit mistake, reported with its row.
MAX_TABLE_VALUE = 1e9


@dataclass(frozen=True)
class FoodTable:
    """A validated table of foods (or supplements), amounts per `unit_label`."""

    frame: pd.DataFrame
    source: str
    version: str  # sha256 prefix of the file, so a plan records which table it used

    @property
    def nutrient_columns(self) -> list[str]:
        extra = companion_columns(self.frame)  # intake figures and flags are no nutrients
        return [
            c
            for c in self.frame.columns
            if c not in META_COLUMNS and c not in extra and is_numeric(self.frame[c])
        ]

    def candidates(self) -> pd.DataFrame:
        """Rows that may enter a plan (priced, not infant food, alcohol or water)."""
        return self.frame[self.frame["exclusion_reason"] == ""]


class CompanionColumns(Mapping[str, str]):
    """The columns of a food table that came from companion files: column -> file name.

    Kept in `frame.attrs[COMPANION_ATTR]`, which pandas deep-copies at every operation on
    the frame: immutable, so the copy is the object itself (a dict would cost ~0.1 ms each).
    """

    def __init__(self, origins: Mapping[str, str] | None = None) -> None:
        self._origins = dict(origins or {})

    def __getitem__(self, column: str) -> str:
        return self._origins[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._origins)

    def __len__(self) -> int:
        return len(self._origins)

    def __deepcopy__(self, memo: dict) -> CompanionColumns:
        return self

    def what(self, column: str) -> str:
        """'an intake figure (intake.csv)': what a companion column is, for messages."""
        name = self._origins[column]
        return f"{COMPANION_KINDS.get(name, 'a companion-file column')} ({name})"


def companion_columns(frame: pd.DataFrame) -> CompanionColumns:
    """Which columns of `frame` (a food table or rows of it) came from companion files."""
    return frame.attrs.get(COMPANION_ATTR, CompanionColumns())


class ColumnNames(list):
    """Column names; `companion` says which came from companion files (not nutrients)."""

    companion: CompanionColumns = CompanionColumns()


def is_numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def numeric_columns(frame: pd.DataFrame) -> ColumnNames:
    """The numeric columns (text columns are not quantities), with `.companion`: those of
    them that are intake figures or flags, which quantities.resolve_quantities refuses."""
    names = ColumnNames(c for c in frame.columns if is_numeric(frame[c]))
    names.companion = companion_columns(frame)
    return names


def _companions(path: Path, default_unit: str) -> list[Path]:
    """Companion files beside a food table (none for supplement catalogs)."""
    if default_unit != "100 g":
        return []
    return [path.parent / n for n in COMPANION_FILES if (path.parent / n).is_file()]


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise FoodTableError(f"{path}: {what} not found ({err.strerror})") from err
    except OSError as err:
        raise FoodTableError(f"{path}: cannot read the {what} ({err.strerror})") from err


def content_version(main: bytes, companions: list[tuple[str, bytes]]) -> str:
    """sha256 prefix of a table and its companion files: what a plan records it used."""
    h = hashlib.sha256(main)
    for name, data in companions:
        h.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:12]


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mealplan"


# Tables above this size (with their companions) are not cached: their pickle would be
# as big again and is rebuilt as fast as it is read. At most CACHE_ENTRIES pickles are
# kept, the least recently used are removed first.
CACHE_MAX_INPUT_BYTES = 64 << 20
CACHE_ENTRIES = 8


def load_foods(path: Path) -> FoodTable:
    """Read a food table CSV (the built-in one or a custom one) and validate it."""
    return _load_cached(Path(path), "100 g", "food table")


def _load_cached(path: Path, default_unit: str, what: str) -> FoodTable:
    """Validate a CSV once; later runs read a pickled copy keyed by the files' content.

    The key is a hash of the CSV and its companion files (not their path, size or
    mtime, which can stay the same when the content changes): hashing the 4 MB
    built-in files takes ~5 ms of a ~0.4 s run.
    """
    if path.is_dir():
        raise FoodTableError(f"{path}: is a folder, not a {what} CSV file")
    main = _read_bytes(path, what)
    comps = [(c, _read_bytes(c, "companion table")) for c in _companions(path, default_unit)]
    version = content_version(main, [(c.name, data) for c, data in comps])
    key = f"{CACHE_VERSION}|{default_unit}|{pd.__version__}|{version}"
    cache = cache_dir() / (hashlib.sha256(key.encode()).hexdigest()[:16] + ".pkl")
    try:
        with cache.open("rb") as fh:
            table = pickle.load(fh)
        os.utime(cache)  # recently used: kept when the cache is pruned
        return replace(table, source=str(path))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    frame = normalise(read_csv(path, main), str(path), default_unit)
    for comp, data in comps:
        frame = join_companion(frame, comp, data)
    table = FoodTable(frame, str(path), version)
    if len(main) + sum(len(d) for _n, d in comps) <= CACHE_MAX_INPUT_BYTES:
        _write_cache(cache, table)
    return table


def _write_cache(cache: Path, table: FoodTable) -> None:
    """Pickle `table` atomically (no temp file is left, even on Ctrl-C), then prune."""
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:
        tmp.unlink(missing_ok=True)
        return  # a cache we cannot write only costs time
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    prune_cache(cache.parent)


def prune_cache(folder: Path, keep: int = CACHE_ENTRIES) -> None:
    """Remove all but the `keep` most recently used pickles (and stale temp files)."""
    try:
        entries = sorted(((p.stat().st_mtime, p) for p in folder.glob("*.pkl")), reverse=True)
        for _t, p in entries[keep:]:
            p.unlink(missing_ok=True)
        for p in folder.glob("*.tmp"):
            if time.time() - p.stat().st_mtime > 3600:  # a crashed writer's, not a live one
                p.unlink(missing_ok=True)
    except OSError:
        pass


def join_companion(frame: pd.DataFrame, path: Path, data: bytes | None = None) -> pd.DataFrame:
    """Join a companion table's columns (numbers where every cell is one) on food code."""
    raw = read_csv(path, data)
    if "food_code" not in raw.columns:
        raise FoodTableError(f"{path}: companion table has no food_code column")
    raw = raw.set_index(raw["food_code"].str.strip()).drop(columns="food_code")
    clash = [c for c in raw.columns if c in frame.columns]
    if clash:
        raise FoodTableError(f"{path}: column '{clash[0]}' is already in the food table")
    out = frame.copy()
    for c in raw.columns:
        text = raw[c].str.strip()
        nums = pd.to_numeric(text.where(text != "", None), errors="coerce")
        is_num = bool((nums.notna() | (text == "")).all()) and c not in TEXT_COLUMNS
        col = nums.astype(float) if is_num else text
        out[c] = (
            col.reindex(out.index).to_numpy()
            if is_num
            else col.reindex(out.index).fillna("").to_numpy()
        )
    origins = {**companion_columns(frame), **dict.fromkeys(raw.columns, path.name)}
    out.attrs[COMPANION_ATTR] = CompanionColumns(origins)
    return out


def load_supplements(path: Path) -> FoodTable:
    """Read the supplement catalog: amounts are per unit (tablet or capsule)."""
    return _load_cached(Path(path), "tablet", "supplement catalog")


def no_supplements(reason: str = "no supplement catalog") -> FoodTable:
    """An empty supplement catalog (a custom food table gets no built-in supplements)."""
    placeholder = pd.DataFrame(
        [{"supplement_id": "none", "name": "none", "price_per_unit": "0", "max_units_per_day": "0"}]
    )
    frame = normalise(placeholder, reason, default_unit="tablet").iloc[0:0]
    return FoodTable(frame, reason, "none")


def read_csv(path: Path, raw: bytes | None = None) -> pd.DataFrame:
    """Read a CSV as text cells, with a one-line error for any reading problem."""
    if raw is None:
        raw = _read_bytes(path, "table")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise FoodTableError(f"{path} line {line}: not UTF-8 text (save it as UTF-8)") from err
    if not text.strip():
        raise FoodTableError(f"{path}: the file is empty")
    check_header(text, str(path))
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        msg = str(err).strip().splitlines()[-1]
        raise FoodTableError(f"{path}: not a valid CSV table ({msg})") from err


def check_header(text: str, where: str) -> None:
    """Catch what pandas hides: a repeated column name (read as 'x.1') or another separator."""
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (csv.Error, StopIteration) as err:
        raise FoodTableError(f"{where}: not a valid CSV table ({err})") from err
    names = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen and n:
            raise FoodTableError(
                f"{where}: column '{n}' appears twice in the header "
                f"(columns {seen[n] + 1} and {i + 1}); keep one"
            )
        seen[n] = i
    if len(names) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs")):
            if sep in header[0]:
                raise FoodTableError(
                    f"{where}: the header is one column separated by {label}, not commas; "
                    "save the table as comma-separated CSV (in a spreadsheet: CSV UTF-8, "
                    "comma delimited)"
                )


def _pick(frame: pd.DataFrame, aliases: tuple[str, ...], what: str, where: str) -> str:
    for a in aliases:
        if a in frame.columns:
            return a
    hint = did_you_mean(aliases[0], frame.columns)
    raise FoodTableError(f"{where}: no {what} column (expected one of {', '.join(aliases)}){hint}")


def _row_label(frame: pd.DataFrame, i: int, ids: pd.Series) -> str:
    return f"row {i + 2} ({ids.iloc[i]})" if ids.iloc[i] else f"row {i + 2}"


def normalise(raw: pd.DataFrame, where: str, default_unit: str = "100 g") -> pd.DataFrame:
    """Validate a text table and convert it to the internal shape."""
    if raw.empty:
        raise FoodTableError(f"{where}: the table has no rows")
    raw = raw.rename(columns=lambda c: str(c).strip())
    if raw.columns.duplicated().any():
        dup = raw.columns[raw.columns.duplicated()][0]
        raise FoodTableError(f"{where}: column '{dup}' appears twice")
    id_col = _pick(raw, ID_ALIASES, "id", where)
    name_col = _pick(raw, NAME_ALIASES, "name", where)
    price_col = _pick(raw, PRICE_ALIASES, "price", where)
    ids = raw[id_col].str.strip()
    for i, v in enumerate(ids):
        if not v:
            raise FoodTableError(f"{where} row {i + 2}: column {id_col} is empty")
    dups = ids[ids.duplicated()]
    if len(dups):
        i = int(np.flatnonzero(ids.duplicated().to_numpy())[0])
        raise FoodTableError(
            f"{where} row {i + 2}: duplicate id '{dups.iloc[0]}' in column {id_col}"
        )
    out = pd.DataFrame(index=pd.Index(ids.to_numpy(), name="id"))
    out["name"] = raw[name_col].str.strip().to_numpy()
    unit = (
        raw["unit"].str.strip()
        if "unit" in raw.columns
        else pd.Series(default_unit, index=raw.index)
    )
    if "unit" not in raw.columns and price_col == "price_per_unit" and default_unit == "100 g":
        unit = pd.Series("unit", index=raw.index)
    out["unit_label"] = unit.replace("", default_unit).to_numpy()
    out["unit_g"] = [_grams_in(u) for u in out["unit_label"]]
    numeric_cols = [
        c
        for c in raw.columns
        if c not in (id_col, name_col) and c not in TEXT_COLUMNS and c != "unit"
    ]
    for c in numeric_cols:
        vals = _to_numbers(raw[c], c, ids, where, allow_empty=(c != price_col))
        out[c if c != price_col else "price"] = vals
    price = out["price"]
    out["exclusion_reason"] = raw.get("exclusion_reason", pd.Series("", index=raw.index)).to_numpy()
    out.loc[price.isna() & (out["exclusion_reason"] == ""), "exclusion_reason"] = "no price"
    # Servings: the built-in table gives serving_g; custom tables may give serving_units.
    for c in ("serving_g", "serving_units"):
        if c in out.columns and (out[c] == 0).any():
            i = int(np.flatnonzero((out[c] == 0).to_numpy())[0])
            raise FoodTableError(
                f"{where} {_row_label(raw, i, ids)}: {c} is 0 (leave it empty if unknown)"
            )
    if default_unit == "tablet":
        check_catalog(out, raw, ids, where)
    if "serving_g" in out.columns:
        out["serving_units"] = out["serving_g"] / out["unit_g"]
    elif "serving_units" not in out.columns:
        out["serving_units"] = 1.0 if default_unit != "100 g" else np.nan
    out["serving_desc"] = (
        raw["serving_desc"].to_numpy()
        if "serving_desc" in raw.columns
        else [f"1 {u}" for u in out["unit_label"]]
    )
    out["category"] = (
        raw["wweia_category"].to_numpy()
        if "wweia_category" in raw.columns
        else raw["category"].to_numpy()
        if "category" in raw.columns
        else ""
    )
    out["tags"] = raw["tags"].to_numpy() if "tags" in raw.columns else ""
    for c in ("price_method", "price_basis", "price_date", *INTAKE_TEXT):
        if c in raw.columns:
            out[c] = raw[c].to_numpy()
    return out


def check_catalog(out: pd.DataFrame, raw: pd.DataFrame, ids: pd.Series, where: str) -> None:
    """A supplement catalog must say how many units of each may be taken a day."""
    if "max_units_per_day" not in out.columns:
        raise FoodTableError(
            f"{where}: supplement catalog has no max_units_per_day column (the most units "
            "of each supplement a day, a whole number; see README, Supplement catalog)"
        )
    units = out["max_units_per_day"]
    usable = out["exclusion_reason"] == ""
    bad = usable & (units.isna() | (units != np.floor(units)))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise FoodTableError(
            f"{where} {_row_label(raw, i, ids)}: max_units_per_day must be a whole number "
            f"of units, not '{raw['max_units_per_day'].iloc[i].strip()}'"
        )


def _grams_in(unit: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*g\s*", unit or "")
    return float(m.group(1)) if m else math.nan


def _to_numbers(
    col: pd.Series, name: str, ids: pd.Series, where: str, allow_empty: bool
) -> np.ndarray:
    text = col.str.strip()
    nan_text = text.str.lower().isin(["nan", "inf", "-inf", "+inf", "infinity", "-infinity"])
    if nan_text.any():
        i = int(np.flatnonzero(nan_text.to_numpy())[0])
        raise FoodTableError(
            f"{where} {_row_label(col.to_frame(), i, ids)}: {name} is '{text.iloc[i]}', "
            "not a finite number"
        )
    vals = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = vals.isna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise FoodTableError(
            f"{where} {_row_label(col.to_frame(), i, ids)}: {name} is not a number "
            f"('{text.iloc[i]}')"
        )
    neg = vals < 0
    if neg.any():
        i = int(np.flatnonzero(neg.to_numpy())[0])
        raise FoodTableError(
            f"{where} {_row_label(col.to_frame(), i, ids)}: {name} is negative ({vals.iloc[i]:g})"
        )
    huge = vals.abs() >= MAX_TABLE_VALUE
    if huge.any():
        i = int(np.flatnonzero(huge.to_numpy())[0])
        raise FoodTableError(
            f"{where} {_row_label(col.to_frame(), i, ids)}: {name} is {vals.iloc[i]:g}, not "
            f"below {MAX_TABLE_VALUE:g} (the largest value a table may hold; check its unit)"
        )
    if not allow_empty and vals.isna().all():
        raise FoodTableError(f"{where}: column {name} has no values")
    return vals.astype(float).to_numpy()


def search_foods(table: FoodTable, text: str, limit: int = 25) -> pd.DataFrame:
    """Foods whose name or category contains every word of `text` (case-insensitive)."""
    f = table.frame
    hay = (f["name"] + " " + f["category"].astype(str) + " " + f.index.to_series()).str.lower()
    mask = pd.Series(True, index=f.index)
    for word in text.lower().split():
        mask &= hay.str.contains(word, regex=False)
    return f[mask].head(limit)


def food_row(table: FoodTable, food_id: str) -> pd.Series:
    """One food by id, or a clear error."""
    if food_id not in table.frame.index:
        raise FoodTableError(
            f"{table.source}: no food with id '{food_id}'"
            f"{did_you_mean(food_id, table.frame.index.astype(str))}"
            " (try 'mealplan foods search TEXT')"
        )
    row = table.frame.loc[food_id]
    assert isinstance(row, pd.Series)  # ids are unique (checked on load)
    return row
