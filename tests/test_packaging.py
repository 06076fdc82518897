"""The installed package carries everything it needs (CI also installs a built wheel)."""

from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_is_listed():
    # The package list is explicit (data/ is mapped into optimizer/data), so a new
    # subpackage must be added to pyproject.toml or a wheel would lack it.
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "optimizer").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= set(CONFIG["packages"]), sorted(found - set(CONFIG["packages"]))
    assert CONFIG["package-dir"]["optimizer.data"] == "data"


def test_every_data_file_ships_in_the_wheel():
    globs = CONFIG["package-data"]["optimizer.data"]
    missing = [
        str(p.relative_to(ROOT / "data"))
        for p in sorted((ROOT / "data").rglob("*"))
        if p.is_file()
        and not any(fnmatch.fnmatch(str(p.relative_to(ROOT / "data")), g) for g in globs)
    ]
    assert not missing, f"add a package-data pattern for {missing}"


def test_every_file_of_the_package_ships_in_the_wheel():
    # Templates, static files and py.typed are package data: each must match a pattern
    # of its own package (as setuptools globs it), or a wheel would lack it.
    dirs = {p: ROOT.joinpath(*p.split(".")) for p in CONFIG["packages"] if p != "optimizer.data"}
    shipped = {
        f for pkg, d in dirs.items() for g in CONFIG["package-data"].get(pkg, []) for f in d.glob(g)
    }
    missing = [
        str(f.relative_to(ROOT))
        for f in sorted((ROOT / "optimizer").rglob("*"))
        if f.is_file() and f.suffix not in (".py", ".pyc") and f not in shipped
    ]
    assert not missing, f"add a package-data pattern for {missing}"


def test_the_package_says_it_is_typed():
    # PEP 561: py.typed tells type checkers to read the package's own annotations
    # (mypy checks them in CI; .ci/run also looks for py.typed in the built wheel).
    assert (ROOT / "optimizer" / "py.typed").is_file()
    assert "py.typed" in CONFIG["package-data"]["optimizer"]


def test_an_installed_package_reads_its_own_data(tmp_path, monkeypatch):
    from optimizer import paths

    assert paths.bundled_data_dir() == ROOT / "data"  # a checkout reads the repo's data/
    installed = tmp_path / "optimizer"
    (installed / "data").mkdir(parents=True)
    (installed / "data" / "foods.csv").write_text("id,name,price\n")
    monkeypatch.setattr(paths, "files", lambda _pkg: installed)
    monkeypatch.delenv("MEALPLAN_DATA", raising=False)
    assert paths.data_dir() == installed / "data"
    assert paths.foods_csv() == installed / "data" / "foods.csv"
