"""The Starlette app: the client page, its fragments, downloads and the JSON API.

Handlers read the request, call `Workbench` (which calls the library) in a worker
thread, and render a template or a document the CLI also writes. Bad input gets a
message next to its field (page) or a 4xx JSON error (API), never a traceback.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from optimizer.errors import OptimizerError
from optimizer.foods import FoodTable
from optimizer.renderers.html import render_template
from optimizer.web import api
from optimizer.web.forms import BOOLS, SLIDERS, Form, doc_to_form, parse_form
from optimizer.web.security import LOCAL_HOSTS, MAX_BODY, Guard, WebError, read_body, refuse
from optimizer.web.state import Outcome, Workbench

log = logging.getLogger("mealplan.web")
STATIC = Path(__file__).resolve().parent / "static"
DOWNLOADS = {
    "plan": ("json", "csv", "html"),
    "week": ("json", "csv", "html"),
    "profile": ("toml",),
}
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "toml": "application/toml; charset=utf-8",
}


def wb(request: Request) -> Workbench:
    return request.app.state.workbench


async def read_form(request: Request) -> Form:
    """The urlencoded body as form fields (UTF-8, a bounded number of fields)."""
    body = await read_body(request, request.app.state.max_body)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except UnicodeDecodeError:
        raise WebError(400, "The form is not UTF-8 text") from None
    except ValueError:
        raise WebError(413, "Too many form fields") from None
    form = parse_form(pairs)
    form["_extra"] = {k: v for k, v in pairs if k.startswith(("whynot.", "compare", "save"))}
    return form


def page_context(w: Workbench, form: Form, outcome: Outcome, **extra: Any) -> dict[str, Any]:
    """What the page template needs besides the outcome: choices for every control."""
    from optimizer.profile import ALLERGENS, DIETS
    from optimizer.profile_io import bundled_profiles

    foods, supps = w.tables()
    catalog = supps.frame[supps.frame["exclusion_reason"] == ""]
    names = foods.frame["name"]
    return {
        "form": form,
        "outcome": outcome,
        "sliders": SLIDERS,
        "diets": DIETS,
        "allergens": ALLERGENS,
        "supplements": [(i, r["name"]) for i, r in catalog.iterrows()],
        "food_names": {
            c: names.get(c.split("=")[0], "") for c in form["foods.exclude"] + form["pin"]
        },
        "saved": w.saved_profiles(),
        "bundled": list(bundled_profiles()),
        "price_years": ["", "2020", "2021", "2022", "2023", "2024", "current"],
        "message": "",
        "load_name": "",
        **extra,
    }


def default_form() -> Form:
    form = doc_to_form({})
    for f in BOOLS:
        form.setdefault(f, f in ("pattern.enabled", "realism.enabled"))
    return form


async def page(request: Request) -> Response:
    """GET: the client page, for ?profile=NAME or a new client; POST: without JavaScript."""
    w = wb(request)
    message, load_name = "", request.query_params.get("profile", "")
    if request.method == "POST":
        form = await read_form(request)
    elif load_name:
        try:
            doc = await run_in_threadpool(w.load_doc, load_name)
            form = default_form() | doc_to_form(doc)
            form["_extra"] = {"save_as": "" if load_name.startswith("bundled:") else load_name}
        except (WebError, OptimizerError) as err:
            form, message = default_form(), str(err)
    else:
        form = default_form()
    form.setdefault("_extra", {})
    outcome = await run_in_threadpool(w.solve, form)
    ctx = page_context(w, form, outcome, message=message, load_name=load_name)
    return HTMLResponse(render_template("workbench.html", **ctx))


def result_json(outcome: Outcome) -> dict[str, Any]:
    html = None
    if outcome.status in ("plan", "no_plan", "error"):
        html = render_template("_result.html", outcome=outcome)
    return {
        "status": outcome.status,
        "html": html,
        "errors": outcome.errors,
        "error": outcome.error,
        "defaults": outcome.defaults,
        "cost_usd_per_day": outcome.plan["cost_usd_per_day"] if outcome.plan else None,
    }


async def solve(request: Request) -> Response:
    """The live re-solve: the result fragment, field errors and the sliders' defaults."""
    form = await read_form(request)
    outcome = await run_in_threadpool(wb(request).solve, form)
    return JSONResponse(result_json(outcome))


async def why_not(request: Request) -> Response:
    form = await read_form(request)
    extra = form["_extra"]
    d, message = await run_in_threadpool(
        wb(request).why_not, form, extra.get("whynot.food", ""), extra.get("whynot.servings", "1")
    )
    return HTMLResponse(render_template("_whynot.html", w=d, message=message))


async def week(request: Request) -> Response:
    form = await read_form(request)
    outcome = await run_in_threadpool(wb(request).week, form)
    return HTMLResponse(render_template("_week.html", outcome=outcome))


async def compare(request: Request) -> Response:
    """The client now (A) beside a saved or bundled profile (B), with the library's diff."""
    form = await read_form(request)
    w = wb(request)
    other = form["_extra"].get("compare_with", "")
    a = await run_in_threadpool(w.solve, form)
    try:
        doc_b = await run_in_threadpool(w.load_doc, other)
    except (WebError, OptimizerError) as err:
        return HTMLResponse(render_template("_diff.html", a=a, b=None, diff=None, message=str(err)))
    b = await run_in_threadpool(w.solve, doc_to_form(doc_b) | {"_extra": {}})
    diff = text = None
    if a.plan and b.plan:
        from optimizer.diff import plan_diff
        from optimizer.renderers import render

        diff = plan_diff(a.plan, b.plan, "A (this page)", f"B ({other})")
        text = render("diff", "table", diff)
    html = render_template("_diff.html", a=a, b=b, diff=diff, text=text, name_b=other, message="")
    return HTMLResponse(html)


async def save(request: Request) -> Response:
    """Save the form as a profile (TOML, the CLI's format) in the profiles folder."""
    from optimizer.web.forms import form_to_doc

    form = await read_form(request)
    w = wb(request)
    name = form["_extra"].get("save_as", "").strip()
    doc, errors = form_to_doc(form)
    if errors:
        return JSONResponse({"ok": False, "errors": errors, "error": "Fix the marked fields"}, 422)
    if not form.get("name", "").strip():
        doc["name"] = name.removesuffix(".toml")
    try:
        path = await run_in_threadpool(w.save, name, doc)
    except WebError as err:
        return JSONResponse({"ok": False, "errors": {"save_as": str(err)}, "error": str(err)}, 422)
    except OptimizerError:
        _, _, out = await run_in_threadpool(w.read, form)
        msg = out.error or "Not saved: fix the marked fields (the saved file is unchanged)"
        return JSONResponse({"ok": False, "errors": out.errors, "error": msg}, 422)
    return JSONResponse({"ok": True, "name": path.stem, "message": f"Saved {path}"})


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:40] or "client"


async def download(request: Request) -> Response:
    """The plan, the week or the profile in a CLI format, as a file to keep."""
    what, fmt = request.path_params["what"], request.path_params["fmt"]
    if fmt not in DOWNLOADS.get(what, ()):
        raise WebError(404, f"no download {what}.{fmt}")
    form = await read_form(request)
    w = wb(request)
    text = await run_in_threadpool(_download_text, w, form, what, fmt)
    if text is None:
        return PlainTextResponse(
            f"No {what} meets the client's targets with these settings, so there is nothing "
            "to download: the page shows why.",
            409,
        )
    name = f"{_slug(form.get('name') or form['_extra'].get('save_as', ''))}-{what}.{fmt}"
    return Response(
        text,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _download_text(w: Workbench, form: Form, what: str, fmt: str) -> str | None:
    if what == "profile":
        from optimizer.profile_toml import profile_to_toml

        _, _, out = w.read(form)
        if out.profile is None:
            raise WebError(422, "; ".join(list(out.errors.values()) + [out.error]).strip("; "))
        return profile_to_toml(out.profile)
    outcome = w.solve(form) if what == "plan" else w.week(form)
    if outcome.plan is None:
        if outcome.status in ("invalid", "error"):
            raise WebError(422, "; ".join(list(outcome.errors.values()) + [outcome.error]))
        return None
    from optimizer.renderers import render

    return render(what, fmt, outcome.plan)


async def on_web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return refuse(request, exc.status, str(exc))


async def on_bug(request: Request, exc: Exception) -> Response:
    """A bug, not bad input: logged with its traceback, answered without one."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return refuse(request, 500, "Internal error in mealplan serve (details are in its log).")


def create_app(
    profiles_dir: Path,
    *,
    token: str | None = None,
    local_only: bool = True,
    foods_path: Path | None = None,
    supplements_path: Path | None = None,
    tables: tuple[FoodTable, FoodTable] | None = None,
    max_body: int = MAX_BODY,
) -> Starlette:
    """The workbench app. `local_only` refuses other Host names (DNS rebinding);
    a `token` is then required on every request (`mealplan serve --host` sets one)."""
    routes = [
        Route("/", page, methods=["GET", "POST"]),
        Route("/solve", solve, methods=["POST"]),
        Route("/why-not", why_not, methods=["POST"]),
        Route("/week", week, methods=["POST"]),
        Route("/compare", compare, methods=["POST"]),
        Route("/profiles/save", save, methods=["POST"]),
        Route("/download/{what}.{fmt}", download, methods=["POST"]),
        *api.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    hosts = LOCAL_HOSTS if local_only else None
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=token, hosts=hosts, max_body=max_body)],
        exception_handlers={WebError: on_web_error, Exception: on_bug},
    )
    app.state.workbench = Workbench(profiles_dir, foods_path, supplements_path, tables)
    app.state.max_body = max_body
    return app
