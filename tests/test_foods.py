"""Reading food tables and catalogs: header checks, limits, and the content-keyed cache."""

from __future__ import annotations

import os
import pickle

import pytest

from optimizer import foods as foods_mod
from optimizer.errors import FoodTableError
from optimizer.foods import load_foods, load_supplements


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private cache folder for one test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "mealplan"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content, text",
    [
        (
            "id,name,price,energy_kcal,energy_kcal\na,A,1,5,6\n",
            "column 'energy_kcal' appears twice in the header (columns 4 and 5)",
        ),
        (
            "id, name ,price,name\na,A,1,B\n",
            "column 'name' appears twice in the header (columns 2 and 4)",
        ),
        ("id;name;price;energy_kcal\na;A;1;5\n", "separated by semicolons, not commas"),
        ("id\tname\tprice\tenergy_kcal\na\tA\t1\t5\n", "separated by tabs, not commas"),
        ("id,name,price,energy_kcal\na,A,1,1e15\n", "row 2 (a): energy_kcal is 1e+15, not below"),
        ("id,name,price,energy_kcal\na,A,1,1e400\n", "row 2 (a): energy_kcal is inf, not below"),
        ("id,name,price,energy_kcal,serving_g\na,A,1,5,0\n", "row 2 (a): serving_g is 0"),
    ],
)
def test_table_errors_name_the_file_row_and_column(tmp_path, cache, content, text):
    p = write(tmp_path / "t.csv", content)
    with pytest.raises(FoodTableError, match=r"^.*t\.csv") as err:
        load_foods(p)
    assert text in str(err.value)


def test_a_folder_is_not_a_table(tmp_path, cache):
    with pytest.raises(FoodTableError, match="is a folder"):
        load_foods(tmp_path)


@pytest.mark.parametrize(
    "content, text",
    [
        (
            "supplement_id,name,unit,price_per_unit,magnesium_mg\nmg,Mg,tablet,0.01,100\n",
            "no max_units_per_day column",
        ),
        (
            "supplement_id,name,unit,price_per_unit,max_units_per_day,magnesium_mg\n"
            "mg,Mg,tablet,0.01,,100\n",
            "row 2 (mg): max_units_per_day must be a whole number of units, not ''",
        ),
        (
            "supplement_id,name,unit,price_per_unit,max_units_per_day,magnesium_mg\n"
            "mg,Mg,tablet,0.01,1.5,100\n",
            "not '1.5'",
        ),
    ],
)
def test_catalog_must_give_a_daily_maximum(tmp_path, cache, content, text):
    p = write(tmp_path / "s.csv", content)
    with pytest.raises(FoodTableError) as err:
        load_supplements(p)
    assert text in str(err.value)


TABLE = "id,name,price,energy_kcal\na,A,{price},100\n"


def test_cache_follows_the_content_not_the_path_size_or_mtime(tmp_path, cache):
    p = write(tmp_path / "t.csv", TABLE.format(price=1))
    st = os.stat(p)
    first = load_foods(p)
    assert first.frame.loc["a", "price"] == 1 and len(list(cache.glob("*.pkl"))) == 1
    # same size, same mtime, new price: the old cache keyed by path/size/mtime kept $1
    write(p, TABLE.format(price=2))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = load_foods(p)
    assert again.frame.loc["a", "price"] == 2
    assert again.version != first.version
    # the same content elsewhere is read from the cache, and says where it came from
    q = write(tmp_path / "copy.csv", TABLE.format(price=2))
    copy = load_foods(q)
    assert copy.source == str(q) and copy.version == again.version
    assert len(list(cache.glob("*.pkl"))) == 2


def test_companion_files_change_the_version(tmp_path, cache):
    p = write(tmp_path / "foods.csv", TABLE.format(price=1))
    plain = load_foods(p).version
    write(tmp_path / "intake.csv", "food_code,respondents\na,3\n")
    with_intake = load_foods(p)
    assert with_intake.version != plain
    assert with_intake.frame.loc["a", "respondents"] == 3
    write(tmp_path / "intake.csv", "food_code,respondents\na,4\n")
    assert load_foods(p).frame.loc["a", "respondents"] == 4


def test_cache_is_bounded(tmp_path, cache, monkeypatch):
    for i in range(foods_mod.CACHE_ENTRIES + 4):
        load_foods(write(tmp_path / f"t{i}.csv", TABLE.format(price=i + 1)))
    assert len(list(cache.glob("*.pkl"))) == foods_mod.CACHE_ENTRIES
    monkeypatch.setattr(foods_mod, "CACHE_MAX_INPUT_BYTES", 10)
    for p in cache.glob("*.pkl"):
        p.unlink()
    load_foods(write(tmp_path / "big.csv", TABLE.format(price=99)))
    assert list(cache.glob("*.pkl")) == []  # too big to cache


def test_ctrl_c_while_caching_leaves_no_temp_file(tmp_path, cache, monkeypatch):
    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_foods(write(tmp_path / "t.csv", TABLE.format(price=1)))
    assert list(cache.iterdir()) == []


# --- atomic writes ----------------------------------------------------------------------


def test_ctrl_c_between_writing_and_renaming_leaves_no_temp_file(tmp_path, monkeypatch):
    from optimizer.fileio import write_atomic

    out = tmp_path / "plan.json"
    out.write_text("old")

    def interrupted(_src, _dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(out, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
    assert out.read_text() == "old"


def test_a_read_only_output_is_refused_not_replaced(tmp_path):
    from optimizer.errors import OptimizerError
    from optimizer.fileio import write_atomic

    out = tmp_path / "plan.json"
    out.write_text("old")
    out.chmod(0o444)  # refused even for root, who could write it
    with pytest.raises(OptimizerError, match="read-only and is not replaced"):
        write_atomic(out, "new")
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def test_an_existing_file_keeps_its_permissions(tmp_path):
    from optimizer.fileio import write_atomic

    out = tmp_path / "plan.json"
    out.write_text("old")
    out.chmod(0o600)
    write_atomic(out, "new")
    assert out.read_text() == "new" and (out.stat().st_mode & 0o777) == 0o600
