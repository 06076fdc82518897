"""The client form: its fields to a profile document (the TOML shape) and back.

No rule of the model lives here. A form becomes the same nested dict a TOML profile
parses to, and `profile_io.profile_from_dict` validates it exactly as it validates a
file; an error is then put next to the field that causes it by validating each field
alone. Whatever the form has no control for stays in the "advanced" TOML text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from optimizer.errors import OptimizerError
from optimizer.profile import Profile, compile_targets, validate_profile
from optimizer.profile_io import profile_from_dict
from optimizer.profile_toml import doc_to_toml, profile_to_doc
from optimizer.renderers.text import num

SOURCE = "workbench"  # where the form's values come from, in messages and target sources


@dataclass(frozen=True)
class Slider:
    """A number a dietitian moves often: a target bound, or the budget."""

    path: tuple[str, ...]  # ("targets", "magnesium_mg", "min") or ("foods", "budget...")
    label: str
    unit: str
    lo: float
    hi: float
    step: float

    @property
    def field(self) -> str:
        return ".".join(self.path)


SLIDERS = (
    Slider(("targets", "magnesium_mg", "min"), "Magnesium ≥", "mg", 50, 1000, 5),
    Slider(("targets", "potassium_mg", "min"), "Potassium ≥", "mg", 1000, 6000, 50),
    Slider(("targets", "calcium_mg", "min"), "Calcium ≥", "mg", 200, 2500, 10),
    Slider(("targets", "sodium_mg", "max"), "Sodium ≤", "mg", 500, 4000, 50),
    Slider(("targets", "energy_kcal", "min"), "Energy ≥", "kcal", 600, 4000, 10),
    Slider(("targets", "energy_kcal", "max"), "Energy ≤", "kcal", 600, 4500, 10),
    Slider(("targets", "protein_g", "min"), "Protein ≥", "g", 5, 200, 1),
    Slider(("targets", "fiber_g", "min"), "Fiber ≥", "g", 5, 70, 1),
    Slider(("foods", "budget_per_day_usd"), "Budget ≤", "USD/day", 0.5, 20, 0.05),
)
NUMBERS = ("life_stage.age", "life_stage.body_weight_kg", "life_stage.trimester")
TEXTS = ("name", "life_stage.sex", "life_stage.activity")
BOOLS = (
    "life_stage.pregnant",
    "life_stage.lactating",
    "pattern.enabled",
    "realism.enabled",
    "clinical.kidney_disease",
)
LISTS = ("foods.diets", "foods.allergens", "foods.exclude", "pin", "supplements.ids")
FORM_FIELDS = (
    TEXTS + NUMBERS + BOOLS + LISTS + tuple(s.field for s in SLIDERS) + ("supplements.policy",)
)
OTHER_FIELDS = ("advanced", "price_year")
MAX_LIST = 200


Form = dict[str, Any]  # field -> str, or list[str] for LISTS


def parse_form(pairs: list[tuple[str, str]]) -> Form:
    """Form fields from the request's (name, value) pairs; unknown names are ignored."""
    form: Form = {k: [] for k in LISTS}
    for k, v in pairs:
        if k in LISTS:
            if v.strip() and len(form[k]) < MAX_LIST:
                form[k].append(v.strip())
        elif k in BOOLS:
            form[k] = bool(form.get(k)) or v == "true"  # a hidden "false", then the checkbox
        elif k in FORM_FIELDS or k in OTHER_FIELDS:
            form[k] = v
    return form


def _number(text: str) -> Any:
    """A number from a field; text the library then rejects with its own message."""
    t = text.strip()
    for kind in (int, float):
        try:
            return kind(t)
        except ValueError:
            pass
    return t


def _put(doc: dict, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    doc[path[-1]] = value


def deep_merge(base: dict, top: dict) -> dict:
    """`top` laid over `base`, table by table."""
    out = dict(base)
    for k, v in top.items():
        out[k] = (
            deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        )
    return out


def parse_pin(text: str) -> tuple[str, Any]:
    """'CODE=SERVINGS' (or just CODE, one serving) from a pinned-food chip."""
    code, _, servings = text.partition("=")
    return code.strip(), _number(servings) if servings.strip() else 1


def form_to_doc(form: Form) -> tuple[dict, dict[str, str]]:
    """The profile document the form describes, and errors the form itself can see."""
    errors: dict[str, str] = {}
    doc: dict[str, Any] = {}
    advanced = form.get("advanced", "")
    if advanced.strip():
        try:
            doc = tomllib.loads(advanced)
        except tomllib.TOMLDecodeError as err:
            errors["advanced"] = f"not valid TOML ({err})"
    own: dict[str, Any] = {}
    for f in TEXTS:
        if form.get(f, "").strip():
            _put(own, tuple(f.split(".")), form[f].strip())
    for f in NUMBERS + tuple(s.field for s in SLIDERS):
        if str(form.get(f, "")).strip():
            _put(own, tuple(f.split(".")), _number(form[f]))
    for f in BOOLS:
        if f in form:
            _put(own, tuple(f.split(".")), bool(form[f]))
    for f in ("foods.diets", "foods.allergens", "foods.exclude"):
        if form.get(f):
            _put(own, tuple(f.split(".")), list(dict.fromkeys(form[f])))
    for text in form.get("pin", []):
        code, servings = parse_pin(text)
        if not code or not re.fullmatch(r"[\w.-]+", code):
            errors["pin"] = f"'{text}' is not a food code (pick a food from the search)"
            continue
        _put(own, ("foods", "limits", code), {"fixed_servings": servings})
    if not form.get("name", "").strip():
        own["name"] = "New client"
    policy = form.get("supplements.policy", "")
    if policy in ("any", "none"):
        _put(own, ("supplements", "policy"), policy)
    elif policy == "list":
        _put(own, ("supplements", "policy"), list(form.get("supplements.ids", [])))
    elif policy:
        _put(own, ("supplements", "policy"), policy)  # the library says what is allowed
    return deep_merge(doc, own), errors


def _without(doc: dict, path: tuple[str, ...]) -> dict:
    """A copy of `doc` without the value at `path` (and tables left empty by it)."""
    if path[0] not in doc:
        return doc
    out = dict(doc)
    if len(path) == 1:
        del out[path[0]]
    elif isinstance(out[path[0]], dict):
        inner = _without(out[path[0]], path[1:])
        if inner:
            out[path[0]] = inner
        else:
            del out[path[0]]
    return out


def _get(doc: dict, path: tuple[str, ...]) -> Any:
    for k in path:
        if not isinstance(doc, dict) or k not in doc:
            return None
        doc = doc[k]
    return doc


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def doc_to_form(doc: dict) -> Form:
    """Form fields for a profile document; what has no field goes to "advanced" (TOML)."""
    form: Form = {k: [] for k in LISTS}
    rest = doc
    for f in TEXTS + NUMBERS + tuple(s.field for s in SLIDERS):
        path = tuple(f.split("."))
        v = _get(doc, path)
        if v is not None and not isinstance(v, dict | list):
            form[f] = _text(v)
            rest = _without(rest, path)
    for f in BOOLS:
        path = tuple(f.split("."))
        v = _get(doc, path)
        if isinstance(v, bool):
            form[f] = v
            rest = _without(rest, path)
    for f in ("foods.diets", "foods.allergens", "foods.exclude"):
        v = _get(doc, tuple(f.split(".")))
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            form[f] = list(v)
            rest = _without(rest, tuple(f.split(".")))
    for code, lim in (_get(doc, ("foods", "limits")) or {}).items():
        if isinstance(lim, dict) and list(lim) == ["fixed_servings"]:
            form["pin"].append(f"{code}={_text(lim['fixed_servings'])}")
            rest = _without(rest, ("foods", "limits", code))
    policy = _get(doc, ("supplements", "policy"))
    if policy in ("any", "none"):
        form["supplements.policy"] = policy
        rest = _without(rest, ("supplements", "policy"))
    elif isinstance(policy, list) and all(isinstance(x, str) for x in policy):
        form["supplements.policy"] = "list"
        form["supplements.ids"] = list(policy)
        rest = _without(rest, ("supplements", "policy"))
    form["advanced"] = doc_to_toml(_prune_defaults(rest), header="") if rest else ""
    return form


def _prune_defaults(doc: dict) -> dict:
    """Drop settings equal to the built-in defaults: the same profile, a shorter text."""
    defaults = profile_to_doc(Profile())
    out = {}
    for k, v in doc.items():
        if isinstance(v, dict) and isinstance(defaults.get(k), dict):
            kept = {sk: sv for sk, sv in v.items() if defaults[k].get(sk, ...) != sv}
            if kept:
                out[k] = kept
        elif defaults.get(k, ...) != v or k == "name":
            out[k] = v
    return out


def strip_source(message: str) -> str:
    return message.removeprefix(f"{SOURCE}: ").removeprefix(f"{SOURCE} ")


TABLE_FIELDS = (
    "foods.allergens",
    "foods.exclude",
    "pin",
    "supplements.policy",
    "supplements.ids",
    "advanced",
)


def _items(form: Form):
    """(field, index) for every value the form sets; index None for a single value."""
    for f in FORM_FIELDS + ("advanced",):
        v = form.get(f)
        if v in (None, "", []):
            continue
        if f in LISTS:
            yield from ((f, i) for i in range(len(v)))
        else:
            yield f, None


def _drop(form: Form, f: str, i: int | None) -> Form:
    out = dict(form)
    if i is None:
        del out[f]
    else:
        out[f] = out[f][:i] + out[f][i + 1 :]
    return out


def _alone(form: Form, f: str, i: int | None, context: tuple[str, ...]) -> Form:
    out: Form = {k: [] for k in LISTS} | {c: form[c] for c in context if c in form}
    out[f] = [form[f][i]] if i is not None else form[f]
    if f == "supplements.ids":
        out["supplements.policy"] = "list"
    if f == "supplements.policy" and form[f] == "list":
        out["supplements.ids"] = form.get("supplements.ids", [])
    return out


def field_errors(form: Form, check_static, check_full) -> dict[str, str]:
    """Which fields cause the form's error, each with a message, using the library's checks.

    `check_static(doc)` validates a profile document as a file is validated (fast);
    `check_full(doc)` also against the food tables. A field is to blame when the form
    without it is valid (fields wrong only together are all marked, e.g. male and
    pregnant); when no single field is, each field is checked alone (with the other
    settings as context) for its own message.
    """

    def fails(f: Form, check) -> str:
        doc, own = form_to_doc(f)
        if own:
            return next(iter(own.values()))
        try:
            check(doc)
        except OptimizerError as err:
            return strip_source(str(err))
        return ""

    static = fails(form, check_static)
    check = check_static if static else check_full
    message = static or fails(form, check_full)
    if not message:
        return {}
    errors: dict[str, str] = {}
    for f, i in _items(form):
        if f in errors or (not static and f not in TABLE_FIELDS):
            continue
        if not fails(_drop(form, f, i), check):
            errors[f] = message
    if errors:
        return errors
    for f, i in _items(form):
        if f in errors or f == "advanced":
            continue
        alone = fails(_alone(form, f, i, ("advanced",)), check)
        if alone:
            errors[f] = alone
    if "advanced" in form and form["advanced"].strip():
        fine = tuple(f for f in FORM_FIELDS if f not in errors)
        alone = fails(_alone(form, "advanced", None, fine), check)
        if alone:
            errors["advanced"] = alone
    return errors


def validate_doc(doc: dict) -> Profile:
    """The profile of a document, validated as a file would be (no food table needed)."""
    prof = profile_from_dict(doc, SOURCE)
    return validate_profile(prof, SOURCE)


def slider_defaults(doc: dict) -> dict[str, dict[str, str]]:
    """What each slider is without the form's value: the life stage's target and source."""
    base = doc
    for s in SLIDERS:
        base = _without(base, s.path)
    try:
        profile = validate_doc(base)
        targets = {t.name: t for t in compile_targets(profile, SOURCE)}
    except OptimizerError as err:
        if "no targets" not in str(err):
            return {}  # the life stage is invalid: its field says why
        targets = {}  # defaults = false and no target of its own
    out = {}
    for s in SLIDERS:
        if s.path[0] != "targets":
            out[s.field] = {"value": "", "text": "default: no budget"}
            continue
        t = targets.get(s.path[1])
        value = getattr(t, s.path[2]) if t else None
        if value is None:
            out[s.field] = {"value": "", "text": "default: none"}
            continue
        kind = getattr(t, f"{s.path[2]}_kind")
        source = getattr(t, f"{s.path[2]}_source")
        out[s.field] = {
            "value": f"{value:.6g}",
            "text": f"default {num(value, s.unit)} ({kind}; {source})",
        }
    return out
