"""Kidney disease (issue 9 item 5): KDOQI 2020 defaults a clinician confirms, shown as such.

The expected defaults are typed here from the guideline summaries (see
data/reference/README.md), independently of data/reference/kdoqi_2020_kidney.csv.
"""

from __future__ import annotations

import csv

import pytest

from optimizer.errors import ProfileError
from optimizer.kidney import KIDNEY_TABLE, kidney_note
from optimizer.paths import reference_dir
from optimizer.profile import Profile, compile_targets
from optimizer.profile_io import load_profile
from optimizer.targets import LifeStage, Target

MAN = LifeStage("male", 62, activity="sedentary", body_weight_kg=70)
# target -> (min, max) for a 70 kg adult, not on dialysis / on dialysis
NOT_ON_DIALYSIS = {
    "protein_g": (0.6 * 70, 0.8 * 70),
    "potassium_mg": (None, 2000),
    "phosphorus_mg": (None, 1000),
    "calcium_mg": (800, 1000),
    "sodium_mg": (None, 2300),
}
ON_DIALYSIS = {
    "protein_g": (1.0 * 70, 1.2 * 70),
    "potassium_mg": (None, 2000),
    "phosphorus_mg": (None, 1000),
    "sodium_mg": (None, 2300),
}


def _targets(**changes) -> dict[str, Target]:
    prof = Profile(stage=changes.pop("stage", MAN), kidney_disease=True, **changes)
    return {t.name: t for t in compile_targets(prof)}


@pytest.mark.parametrize("dialysis, expected", [(False, NOT_ON_DIALYSIS), (True, ON_DIALYSIS)])
def test_defaults_are_clinical_and_cite_kdoqi(dialysis, expected):
    ts = _targets(dialysis=dialysis)
    for name, (lo, hi) in expected.items():
        t = ts[name]
        assert (t.min, t.max) == (pytest.approx(lo) if lo else None, hi), name
        for bound, kind, src in (
            ("min", t.min_kind, t.min_source),
            ("max", t.max_kind, t.max_source),
        ):
            if (lo if bound == "min" else hi) is None:
                continue
            assert kind == "CLINICAL", (name, bound)
            assert "KDOQI" in src and "confirm" in src, src
    # the healthy-population minimum for potassium (AI 3,400 mg) is gone
    assert ts["potassium_mg"].min is None
    # protein: the g/kg range replaces the RDA and the AMDR keeps only its maximum
    assert ts["protein_pct_energy"].min is None and ts["protein_pct_energy"].max == 35
    assert "g/kg x 70 kg" in ts["protein_g"].min_source
    assert "dairy_cup_eq" not in ts  # the DGA dairy minimum conflicts with K and P limits
    assert "fruit_cup_eq" in ts and "vegetables_cup_eq" in ts  # KDOQI: more fruit and veg
    if dialysis:  # KDOQI 2020 gives no calcium number on dialysis: the DRI stays
        assert (ts["calcium_mg"].min_kind, ts["calcium_mg"].max_kind) == ("RDA", "UL")


def test_potassium_and_phosphorus_defaults_say_kdoqi_gives_no_number():
    ts = _targets()
    for name in ("potassium_mg", "phosphorus_mg"):
        src = ts[name].max_source
        assert src.startswith("Default a clinician must confirm (no KDOQI 2020 number)"), src
        assert "normal range" in src
    assert "800-1,000 mg/day" in ts["phosphorus_mg"].max_source  # KDOQI 2003's range


def test_reference_table_values():
    with (reference_dir() / KIDNEY_TABLE).open(encoding="utf-8") as fh:
        rows = {(r["setting"], r["target"], r["bound"]): r for r in csv.DictReader(fh)}
    expected = {
        ("not_on_dialysis", "protein_g", "min"): 0.6,
        ("not_on_dialysis", "protein_g", "max"): 0.8,
        ("dialysis", "protein_g", "min"): 1.0,
        ("dialysis", "protein_g", "max"): 1.2,
        ("all", "potassium_mg", "max"): 2000,
        ("all", "phosphorus_mg", "max"): 1000,
        ("not_on_dialysis", "calcium_mg", "min"): 800,
        ("not_on_dialysis", "calcium_mg", "max"): 1000,
        ("all", "sodium_mg", "max"): 2300,
    }
    assert set(rows) == set(expected)
    for key, value in expected.items():
        assert float(rows[key]["value"]) == value, key
        assert "KDOQI" in rows[key]["basis"], key


def test_a_clinician_overrides_a_default():
    prof = Profile(
        stage=MAN,
        kidney_disease=True,
        targets=(Target("potassium_mg", max=3000, max_kind="USER", max_source="clinic.toml"),),
    )
    ts = {t.name: t for t in compile_targets(prof)}
    assert (ts["potassium_mg"].max, ts["potassium_mg"].max_kind) == (3000, "USER")
    note = kidney_note(list(ts.values()), False, 70)
    assert "potassium at most 3,000 mg (set for this client)" in note
    assert "phosphorus at most 1,000 mg (KDOQI-based default)" in note


def test_weight_is_required():
    with pytest.raises(ProfileError, match="body_weight_kg"):
        _targets(stage=LifeStage("male", 62))


@pytest.mark.parametrize(
    "stage, who",
    [
        (LifeStage("female", 15, body_weight_kg=50), "under 18"),
        (LifeStage("female", 30, pregnant=True, body_weight_kg=65), "pregnancy"),
    ],
)
def test_defaults_are_refused_outside_their_population(stage, who):
    with pytest.raises(ProfileError, match=who):
        _targets(stage=stage)


def test_note_says_what_a_clinician_must_set():
    note = kidney_note(list(_targets().values()), False, 70)
    for text in (
        "a clinician must review this plan",
        "potassium at most 2,000 mg (KDOQI-based default)",
        "phosphorus at most 1,000 mg",
        "protein 42-56 g",
        "calcium (binders count) 800-1,000 mg",
        "sodium at most 2,300 mg",
        "1,750-2,450 kcal at 70 kg",
        "Magnesium and potassium supplements are excluded",
        "No dairy minimum",
    ):
        assert text in note, text


def test_the_bundled_profile_sets_weight_and_applies_the_defaults():
    prof = load_profile("kidney-disease")
    assert prof.kidney_disease and not prof.dialysis and prof.stage.body_weight_kg == 70
    ts = {t.name: t for t in compile_targets(prof)}
    assert ts["potassium_mg"].max == 2000 and ts["potassium_mg"].min is None


def test_cli_without_weight_is_a_clean_error(runner):
    from optimizer.cli import cli

    r = runner.invoke(cli, ["plan", "--kidney-disease"])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)
    assert "set body_weight_kg" in r.output


@pytest.mark.slow
def test_kidney_plan_keeps_the_clinical_limits_and_says_so(real_foods, real_supplements):
    from optimizer.plan import solve_plan

    plan = solve_plan(real_foods, real_supplements, load_profile("kidney-disease"))
    n = plan.nutrients.set_index("nutrient")
    assert n.at["potassium_mg", "amount"] <= 2000 + 1e-6
    assert n.at["phosphorus_mg", "amount"] <= 1000 + 1e-6
    assert 42 - 1e-6 <= n.at["protein_g", "amount"] <= 56 + 1e-6
    assert n.at["potassium_mg", "max_kind"] == "CLINICAL"
    assert any(note.startswith("Kidney disease: a clinician must review") for note in plan.notes)
