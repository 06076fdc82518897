"""What keeps the workbench to its user: hosts, origins, the access token, sizes, paths."""

from __future__ import annotations

import hmac
import json
import re
import secrets
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY = 64 * 1024  # a profile is a few kB; anything bigger is a mistake or an attack
COOKIE = "mealplan_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ .-]{0,63}")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


class WebError(Exception):
    """A request the server refuses, with the HTTP status and a message for people."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_local(host: str) -> bool:
    return host.strip("[]") in LOCAL_HOSTS


def _hostname(netloc: str) -> str:
    return urlsplit(f"//{netloc}").hostname or ""


def refuse(request: Request, status: int, message: str) -> Response:
    """An error as JSON for the API, as one line of text for the page."""
    if request.url.path.startswith("/api/"):
        return Response(json.dumps({"error": message}), status, media_type="application/json")
    return PlainTextResponse(message, status)


class Guard(BaseHTTPMiddleware):
    """Every request: a known Host, same-origin writes, the token, a size cap, headers."""

    def __init__(self, app, token: str | None, hosts: frozenset[str] | None, max_body: int):
        super().__init__(app)
        self.token, self.hosts, self.max_body = token, hosts, max_body

    async def dispatch(self, request: Request, call_next):
        start, cpu = time.perf_counter(), time.process_time()
        host = request.headers.get("host", "")
        if self.hosts is not None and _hostname(host) not in self.hosts:
            # another name resolving to 127.0.0.1 (DNS rebinding) gets nothing
            return refuse(request, 400, f"Host '{host}' is not served here")
        if request.method not in SAFE_METHODS and not same_origin(request):
            return refuse(request, 403, "Cross-site request refused")
        if self.token is not None:
            denied = self.check_token(request)
            if denied is not None:
                return denied
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > self.max_body:
            return refuse(request, 413, f"Request body over {self.max_body // 1024} kB")
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        ms = 1000 * (time.perf_counter() - start)
        cpu_ms = 1000 * (time.process_time() - cpu)  # the whole process: exact when alone
        response.headers["Server-Timing"] = f"app;dur={ms:.1f}, cpu;dur={cpu_ms:.1f}"
        return response

    def check_token(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        given = auth[7:] if auth.lower().startswith("bearer ") else ""
        given = given or request.cookies.get(COOKIE, "")
        in_query = request.query_params.get("token", "")
        if _equal(given, self.token):
            return None
        if _equal(in_query, self.token):
            if request.method != "GET" or request.url.path.startswith("/api/"):
                return None
            # the printed URL: keep the token in a cookie and out of the address bar
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            url = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            resp = RedirectResponse(url, 303)
            resp.set_cookie(COOKIE, in_query, httponly=True, samesite="strict")
            return resp
        return refuse(
            request,
            401,
            "Access token required: open the URL that `mealplan serve` printed, or send "
            "'Authorization: Bearer TOKEN'",
        )


def _equal(given: str, token: str | None) -> bool:
    return bool(given) and token is not None and hmac.compare_digest(given, token)


def same_origin(request: Request) -> bool:
    """A browser's write comes from our own page (Origin, else Sec-Fetch-Site)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return urlsplit(origin).netloc == request.headers.get("host", "")
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, refused beyond `limit` bytes even without a Content-Length."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebError(413, f"Request body over {limit // 1024} kB")
        chunks.append(chunk)
    return b"".join(chunks)


def profile_path(folder: Path, name: str) -> Path:
    """The file for profile `name` inside `folder`, never anywhere else."""
    stem = name.removesuffix(".toml").strip()
    if not PROFILE_NAME.fullmatch(stem) or ".." in stem or stem.endswith("."):
        raise WebError(
            422,
            f"'{name}' is not a profile name: use letters, digits, spaces, '-', '_' or '.' "
            "(at most 64, no folders)",
        )
    root = folder.resolve()
    path = root / f"{stem}.toml"
    if path.is_symlink() or path.resolve().parent != root:
        raise WebError(422, f"'{name}' is not a file in the profiles folder")
    return path
