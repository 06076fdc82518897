"""The server's state and its calls into the library: tables loaded once, solves, weeks.

Everything here is a library call (`solve_plan`, `explanation_dict`, `why_not`,
`solve_week`, `plan_diff`, ...) wrapped so that a request gets an outcome to show
(a plan, the infeasibility report, or messages for the fields) and never an exception.
"""

from __future__ import annotations

import threading
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optimizer.errors import InfeasibleError, OptimizerError
from optimizer.foods import FoodTable
from optimizer.web.forms import (
    SOURCE,
    Form,
    field_errors,
    form_to_doc,
    slider_defaults,
    strip_source,
    validate_doc,
)
from optimizer.web.security import WebError, profile_path

WEEK_CACHE = 4


@dataclass
class Outcome:
    """What a request made: a plan document, a no-plan report, or messages."""

    plan: dict[str, Any] | None = None  # plan_to_dict + "explanation"
    no_plan: dict[str, Any] | None = None  # diagnosis_to_dict, with "message"
    errors: dict[str, str] = field(default_factory=dict)  # field -> message
    error: str = ""  # a message no single field explains
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    profile: Any = None  # the validated Profile, when the inputs were valid

    @property
    def status(self) -> str:
        if self.plan is not None:
            return "plan"
        if self.no_plan is not None:
            return "no_plan"
        return "invalid" if self.errors else "error"


class Workbench:
    """One server: its profiles folder and food tables, loaded once and shared."""

    def __init__(
        self,
        profiles_dir: Path,
        foods_path: Path | None = None,
        supplements_path: Path | None = None,
        tables: tuple[FoodTable, FoodTable] | None = None,
    ) -> None:
        self.profiles_dir = Path(profiles_dir)
        self.foods_path, self.supplements_path = foods_path, supplements_path
        self._tables = tables
        self._load_lock = threading.Lock()
        # at most two solves at once (the machine's cores): more would only slow them all
        self.solving = threading.BoundedSemaphore(2)
        self.week_lock = threading.Lock()  # one week search at a time (it takes seconds)
        self._weeks: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def tables(self) -> tuple[FoodTable, FoodTable]:
        with self._load_lock:
            if self._tables is None:
                from optimizer.foods import load_foods, load_supplements
                from optimizer.paths import foods_csv, supplements_csv

                self._tables = (
                    load_foods(self.foods_path or foods_csv()),
                    load_supplements(self.supplements_path or supplements_csv()),
                )
            return self._tables

    # --- checks -----------------------------------------------------------------------
    def check(self, doc: dict, price_year: str | None = None):
        """Validate a profile document completely: as a file, then against the tables."""
        from optimizer.model import resolve_quantities
        from optimizer.plan import prepare_inputs

        profile = validate_doc(doc)
        inputs = prepare_inputs(*self.tables(), profile, price_year, SOURCE)
        resolve_quantities(inputs.targets, list(inputs.foods.columns), SOURCE)
        return profile

    def read(self, form: Form) -> tuple[dict, str | None, Outcome]:
        """The document and price year of a form, with the errors found before solving."""
        from optimizer.prices import price_basis

        doc, errors = form_to_doc(form)
        out = Outcome(errors=errors, defaults=slider_defaults(doc))
        year = (form.get("price_year") or "").strip() or None
        try:
            price_basis(year)
        except OptimizerError as err:
            out.errors["price_year"] = str(err)
        if not out.errors:
            try:
                out.profile = validate_doc(doc)
            except OptimizerError as err:
                self._locate(form, year, err, out)
        return doc, year, out

    def _locate(self, form: Form, year: str | None, err: OptimizerError, out: Outcome) -> None:
        out.errors = field_errors(form, validate_doc, lambda d: self.check(d, year))
        if not out.errors:
            out.error = strip_source(str(err))

    # --- plans --------------------------------------------------------------------------
    def solve(self, form: Form) -> Outcome:
        """The plan for a form (with its explanation), or why there is none."""
        from optimizer.documents import diagnosis_to_dict, explanation_dict, plan_to_dict
        from optimizer.plan import solve_plan

        _, year, out = self.read(form)
        if out.profile is None:
            return out
        try:
            with self.solving:
                plan = solve_plan(*self.tables(), out.profile, year, SOURCE)
        except InfeasibleError as err:
            out.no_plan = {"message": str(err)}
            if err.diagnosis is not None:
                out.no_plan = diagnosis_to_dict(err.diagnosis) | {"message": str(err)}
            return out
        except OptimizerError as err:
            self._locate(form, year, err, out)
            return out
        out.plan = plan_to_dict(plan)
        out.plan["explanation"] = explanation_dict(plan)
        return out

    def why_not(self, form: Form, food: str, servings: Any) -> tuple[dict | None, str]:
        """The why-not answer for a food (code, or 'CODE - name'), or a message."""
        from optimizer.whynot import why_not, why_not_to_dict

        code = food.strip().split(" ", 1)[0]
        if not code:
            return None, "Pick a food first (type a few letters of its name)."
        try:
            amount = float(servings)
        except (TypeError, ValueError):
            return None, f"servings must be a number, not '{servings}'"
        _, year, out = self.read(form)
        if out.profile is None:
            return None, "Fix the client's settings first: " + "; ".join(
                list(out.errors.values()) + [out.error]
            ).strip("; ")
        try:
            with self.solving:
                answer = why_not(*self.tables(), out.profile, code, amount, year, where=SOURCE)
        except InfeasibleError:
            return None, "The client has no plan at all, so nothing can be added to it."
        except OptimizerError as err:
            return None, strip_source(str(err))
        return why_not_to_dict(answer), ""

    # --- weeks --------------------------------------------------------------------------
    def week(self, form: Form) -> Outcome:
        """The week for a form (kept for downloads: the same inputs give the same week)."""
        from optimizer.documents import week_to_dict
        from optimizer.profile_toml import profile_to_toml
        from optimizer.week import solve_week, week_options
        from optimizer.week_request import bottle_sizes

        _, year, out = self.read(form)
        if out.profile is None:
            return out
        key = (profile_to_toml(out.profile), year or "")
        with self.week_lock:
            if key in self._weeks:
                self._weeks.move_to_end(key)
                out.plan = self._weeks[key]
                return out
            foods, supps = self.tables()
            try:
                week = solve_week(foods, supps, out.profile, week_options(out.profile), year)
            except InfeasibleError as err:
                out.no_plan = {"message": str(err), "shortfalls": [], "blocking": []}
                if err.diagnosis is not None:
                    from optimizer.documents import diagnosis_to_dict

                    out.no_plan = diagnosis_to_dict(err.diagnosis) | {"message": str(err)}
                return out
            except OptimizerError as err:
                out.error = strip_source(str(err))
                return out
            out.plan = week_to_dict(week, bottle_sizes(supps))
            self._weeks[key] = out.plan
            while len(self._weeks) > WEEK_CACHE:
                self._weeks.popitem(last=False)
        return out

    # --- profiles -----------------------------------------------------------------------
    def saved_profiles(self) -> list[str]:
        if not self.profiles_dir.is_dir():
            return []
        return sorted(p.stem for p in self.profiles_dir.glob("*.toml") if p.is_file())

    def profile_file(self, name: str) -> Path:
        """A saved profile by name, or a bundled one as 'bundled:NAME'."""
        from optimizer.profile_io import bundled_profiles

        if name.startswith("bundled:"):
            bundled = bundled_profiles()
            if name[8:] not in bundled:
                raise WebError(404, f"no bundled profile '{name[8:]}'")
            return bundled[name[8:]]
        path = profile_path(self.profiles_dir, name)
        if not path.is_file():
            raise WebError(404, f"no saved profile '{name}' in {self.profiles_dir}")
        return path

    def load_doc(self, name: str) -> dict:
        """A profile file's document, checked as `mealplan plan --profile` would."""
        path = self.profile_file(name)
        from optimizer.profile_io import load_profile

        load_profile(path)  # the CLI's own loader: same messages for a broken file
        return tomllib.loads(path.read_text(encoding="utf-8"))

    def save(self, name: str, doc: dict) -> Path:
        """Write a checked profile atomically; a bad one never replaces a good file."""
        from optimizer.fileio import write_atomic
        from optimizer.profile_toml import profile_to_toml

        path = profile_path(self.profiles_dir, name)
        profile = self.check(doc)
        self.profiles_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, profile_to_toml(profile))
        return path
