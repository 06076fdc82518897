"""The JSON API beside the page: the same documents the CLI writes.

A profile is sent as the body, as JSON (the TOML document's shape) or as TOML
(`Content-Type: application/toml`). Errors are `{"error": "..."}` with 422 (bad input),
404, 413 (too big); no plan is 409 with the infeasibility report.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from optimizer.errors import InfeasibleError, OptimizerError
from optimizer.web.forms import SOURCE, strip_source
from optimizer.web.security import WebError, read_body


async def read_doc(request: Request) -> dict[str, Any]:
    """The profile document in the body (JSON or TOML); an empty body is the default."""
    body = await read_body(request, request.app.state.max_body)
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebError(400, "The body is not UTF-8 text") from None
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
    try:
        doc = tomllib.loads(text) if "toml" in kind else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        what = "TOML" if "toml" in kind else "JSON"
        raise WebError(422, f"The body is not valid {what} ({err})") from None
    if not isinstance(doc, dict):
        raise WebError(422, "The body must be a profile: a JSON object or a TOML document")
    return doc


def _year(request: Request) -> str | None:
    return request.query_params.get("price_year") or None


def _call(fn, *args, w=None):
    """Run a library call (a solve holds one of the workbench's solve slots, `w.solving`);
    its errors become HTTP answers."""
    try:
        if w is None:
            return fn(*args)
        with w.solving:
            return fn(*args)
    except InfeasibleError as err:
        from optimizer.documents import diagnosis_to_dict

        diag = diagnosis_to_dict(err.diagnosis) if err.diagnosis is not None else None
        raise _Answer(409, {"error": str(err), "diagnosis": diag}) from None
    except OptimizerError as err:
        raise _Answer(422, {"error": strip_source(str(err))}) from None


class _Answer(Exception):
    def __init__(self, status: int, body: dict) -> None:
        self.status, self.body = status, body


def endpoint(work):
    """An API endpoint from `work(request, workbench) -> document` (run in a thread)."""

    async def handler(request: Request) -> Response:
        doc = await read_doc(request) if request.method in ("POST", "PUT") else {}
        w = request.app.state.workbench
        try:
            result = await run_in_threadpool(work, request, w, doc)
        except _Answer as ans:
            return JSONResponse(ans.body, ans.status)
        if isinstance(result, Response):
            return result
        text = json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        return Response(text, media_type="application/json")

    return handler


def _profile(w, doc):
    return _call(w.check, doc)


def _plan(request, w, doc):
    from optimizer.documents import explanation_dict, plan_to_dict
    from optimizer.plan import solve_plan

    plan = _call(solve_plan, *w.tables(), _profile(w, doc), _year(request), SOURCE, w=w)
    d = plan_to_dict(plan)
    if request.query_params.get("explain") in ("1", "true"):
        d["explanation"] = explanation_dict(plan)
    return d


def _explain(request, w, doc):
    from optimizer.documents import explanation_dict
    from optimizer.plan import solve_plan

    prof = _profile(w, doc)
    return explanation_dict(_call(solve_plan, *w.tables(), prof, _year(request), SOURCE, w=w))


def _why_not(request, w, doc):
    from optimizer.whynot import why_not, why_not_to_dict

    raw = request.query_params.get("servings", "1")
    try:
        servings = float(raw)
    except ValueError:
        raise _Answer(422, {"error": f"servings must be a number, not '{raw}'"}) from None
    code = request.path_params["code"]
    prof = _profile(w, doc)
    return why_not_to_dict(
        _call(why_not, *w.tables(), prof, code, servings, _year(request), None, SOURCE, w=w)
    )


def _week(request, w, doc):
    from optimizer.documents import week_to_dict
    from optimizer.week import solve_week, week_options
    from optimizer.week_request import bottle_sizes

    prof = _profile(w, doc)
    foods, supps = w.tables()
    opts = _call(week_options, prof)
    with w.week_lock:  # one week search at a time, as on the page
        week = _call(solve_week, foods, supps, prof, opts, _year(request))
    return week_to_dict(week, bottle_sizes(supps))


def _diff(request, w, doc):
    from optimizer.diff import plan_diff
    from optimizer.documents import explanation_dict, plan_to_dict
    from optimizer.renderers import render

    if set(doc) != {"a", "b"} or not all(isinstance(doc[k], dict) for k in "ab"):
        raise _Answer(422, {"error": 'send {"a": PROFILE, "b": PROFILE} (two profile objects)'})
    from optimizer.plan import solve_plan

    plans = []
    for k in "ab":
        plan = _call(solve_plan, *w.tables(), _profile(w, doc[k]), _year(request), SOURCE, w=w)
        d = plan_to_dict(plan)
        d["explanation"] = explanation_dict(plan)
        plans.append(d)
    diff = plan_diff(plans[0], plans[1], "a", "b")
    return {"format": "mealplan-diff", "diff": diff, "text": render("diff", "table", diff)}


def _targets(request, w, doc):
    from optimizer.documents import targets_document

    return targets_document(_profile(w, doc), SOURCE)


def _foods(request, w, doc):
    from optimizer.foods import search_foods

    text = request.query_params.get("q", "").strip()[:100]
    try:
        limit = max(1, min(100, int(request.query_params.get("limit", "20"))))
    except ValueError:
        raise _Answer(422, {"error": "limit must be a whole number"}) from None
    if len(text) < 2:
        return {"foods": []}
    found = search_foods(w.tables()[0], text, limit)
    return {
        "foods": [
            {
                "id": str(i),
                "name": r["name"],
                "category": str(r["category"]),
                "price_per_100g_usd": None if r["price"] != r["price"] else float(r["price"]),
                "serving_desc": r["serving_desc"],
                "candidate": not r["exclusion_reason"],
                "exclusion_reason": r["exclusion_reason"],
            }
            for i, r in found.iterrows()
        ]
    }


def _profiles(request, w, doc):
    from optimizer.profile_io import bundled_profiles

    return {"profiles": w.saved_profiles(), "bundled": list(bundled_profiles())}


def _get_profile(request, w, doc):
    path = w.profile_file(request.path_params["name"])
    return Response(path.read_text(encoding="utf-8"), media_type="application/toml")


def _put_profile(request, w, doc):
    name = request.path_params["name"]
    doc.setdefault("name", name.removesuffix(".toml"))
    try:
        path = w.save(name, doc)
    except OptimizerError as err:
        raise _Answer(422, {"error": strip_source(str(err))}) from None
    return {"saved": path.stem, "path": str(path)}


def routes() -> list[Route]:
    return [
        Route("/api/plan", endpoint(_plan), methods=["POST"]),
        Route("/api/explain", endpoint(_explain), methods=["POST"]),
        Route("/api/why-not/{code}", endpoint(_why_not), methods=["POST"]),
        Route("/api/week", endpoint(_week), methods=["POST"]),
        Route("/api/diff", endpoint(_diff), methods=["POST"]),
        Route("/api/targets", endpoint(_targets), methods=["POST"]),
        Route("/api/foods", endpoint(_foods), methods=["GET"]),
        Route("/api/profiles", endpoint(_profiles), methods=["GET"]),
        Route("/api/profiles/{name}", endpoint(_get_profile), methods=["GET"]),
        Route("/api/profiles/{name}", endpoint(_put_profile), methods=["PUT"]),
    ]
