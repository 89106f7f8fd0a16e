"""What answers OPTIONS behind each path of a Next.js app (next_routes), rules pushed onto
a headers() list (config_pushes), and the answers a middleware / proxy gives
(next_middleware). Their behaviour on `next start` is checked in test_differential_next."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.frameworks.express_headers import next_options_status
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.test_express import policies

API_STAR = (
    "module.exports = {\n  async headers() {\n    return [\n"
    "      { source: '/api/:path*', headers: [\n"
    "        { key: 'Access-Control-Allow-Origin', value: '*' },\n"
    "        { key: 'Access-Control-Allow-Headers', value: 'Content-Type' },\n      ] },\n"
    "    ];\n  },\n};\n"
)
HANDLER = "export const GET = () => Response.json({});\n"
PAGE = "export default function Page() {\n  return null;\n}\n"


def _preflight(policy: CorsPolicy, path: str) -> int | None:
    request = Request.make(
        "OPTIONS", "https://a.example", {"access-control-request-method": "PUT"}, path=path
    )
    try:
        return framework_of(policy).respond(policy, request).status
    except UnresolvedValueError:
        return None


def _config_policy(root: Path, files: dict[str, str], config: str = API_STAR) -> CorsPolicy:
    found = policies(root, {"next.config.js": config, **files}, "nextjs_headers")
    assert len(found) == 1, found
    return found[0]


def test_route_handlers_groups_and_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    policy = _config_policy(
        tmp_path,
        {
            "src/app/(public)/api/items/[id]/route.ts": HANDLER,
            "src/app/api/files/[...key]/route.ts": HANDLER,
            "src/app/api/search/[[...terms]]/route.ts": HANDLER,
            "src/app/api/own/route.ts": HANDLER
            + "export function OPTIONS() {\n  return new Response(null);\n}\n",
            "src/app/api/about/page.tsx": PAGE,
            "src/app/api/_lib/route.ts": HANDLER,  # a private folder: no route
        },
    )
    statuses = {
        path: _preflight(policy, path)
        for path in (
            "/api/items/7",
            "/api/files/a/b",
            "/api/search",
            "/api/search/x/y",
            "/api/own",
            "/api/about",
            "/api/_lib",
            "/api/items/7/",
            "/API/items/7",
        )
    }
    assert statuses == {
        "/api/items/7": 204,  # Next.js answers for a handler without OPTIONS
        "/api/files/a/b": 204,
        "/api/search": 204,
        "/api/search/x/y": 204,
        "/api/own": None,  # its own OPTIONS: not read
        "/api/about": None,  # a page: 405, left unanswered
        "/api/_lib": None,  # nothing there: 404 unless a public file is
        "/api/items/7/": None,  # a 308
        "/API/items/7": None,  # routes by case: not measured
    }
    assert policy.probe_path in {"/api/items/1", "/api/files/x", "/api/search"}


def test_pages_router_middleware_and_redirects_leave_options_unanswered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = API_STAR.replace(
        "  async headers() {",
        "  async redirects() {\n    return [{ source: '/api/old/:p', destination: '/', permanent: true }];\n  },\n"
        "  async headers() {",
    )
    policy = _config_policy(
        tmp_path,
        {
            "pages/api/legacy.js": "export default function handler(req, res) {\n  res.end();\n}\n",
            "app/api/old/[p]/route.js": HANDLER,
            "app/api/new/route.js": HANDLER,
            # a middleware that answers itself (one that only passes requests on, as
            # `NextResponse.next()`, lets Next.js answer: test_differential_next_passing.py)
            "middleware.js": "import { NextResponse } from 'next/server';\n"
            "export function middleware(request) {\n"
            "  if (!request.cookies.get('sid')) return new NextResponse(null, { status: 401 });\n"
            "  return NextResponse.next();\n}\n"
            "export const config = { matcher: '/api/new/:path*' };\n",
        },
        config,
    )
    assert _preflight(policy, "/api/legacy") is None  # the handler runs for OPTIONS
    assert _preflight(policy, "/api/old/1") is None  # the redirect answers first
    assert _preflight(policy, "/api/new") is None  # the middleware may answer


def test_answers_from_entries() -> None:
    answers = ("middleware /mw/:path*", "redirect /old.*", "handler /api/x", "page /p", "fallback ?")
    assert next_options_status(answers, "/api/x") == 204
    assert next_options_status(answers, "/mw/x") is None
    assert next_options_status(answers, "/OLD/1") is None
    assert next_options_status(answers, "/p") is None
    assert next_options_status(answers, "/nothing") is None


def test_pushed_rule_keeps_its_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = (
        "const shared = [{ key: 'Access-Control-Allow-Origin', value: '*' }];\n"
        "const rules = [{ source: '/api/:path*', headers: [...shared] }];\n"
        "if (process.env.EMBED) {\n"
        "  rules.push({ source: '/embed/:path*', headers: shared });\n}\n"
        "[1, 2].forEach((n) => rules.push({ source: `/v${n}`, headers: shared }));\n"
        "module.exports = { async headers() { return rules; } };\n"
    )
    found = policies(tmp_path, {"next.config.js": config}, "nextjs_headers")
    assert [(p.label.rsplit(" ", 1)[1], bool(p.branch)) for p in found] == [
        ("/api/:path*", False),
        ("/embed/:path*", True),
    ]


MIDDLEWARE = """\
import { NextResponse } from 'next/server';

export function middleware(request) {
  const response = NextResponse.next();
  response.headers.set('Access-Control-Allow-Origin', 'https://app.example.com');
  response.headers.set('Access-Control-Allow-Methods', 'GET, PUT');
  if (request.method === 'OPTIONS') {
    return new NextResponse(null, { status: 204, headers: response.headers });
  }
  return response;
}

export const config = { matcher: '/api/:path*' };
"""


def test_middleware_answers_its_preflights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    found = policies(
        tmp_path, {"middleware.js": MIDDLEWARE, "app/api/x/route.js": HANDLER}, "nextjs_middleware"
    )
    assert len(found) == 1
    policy = found[0]
    assert policy.probe_path == "/api/x"
    preflight = Request.make(
        "OPTIONS", "https://app.example.com", {"access-control-request-method": "PUT"}, path="/api/x"
    )
    answer = framework_of(policy).respond(policy, preflight)
    assert answer.status == 204
    assert answer.get("access-control-allow-methods") == "GET, PUT"
    simple = framework_of(policy).respond(policy, Request("GET", "https://app.example.com", path="/api/x"))
    assert simple.status is None and simple.get("access-control-allow-origin") == "https://app.example.com"


def test_middleware_rewrite_into_itself_is_unanswered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured: the target of a rewrite passes through the middleware and headers() again,
    here answered on its second pass without the rewrite's headers."""
    monkeypatch.chdir(tmp_path)
    text = (
        "import { NextResponse } from 'next/server';\n"
        "export function proxy(request) {\n"
        "  if (request.nextUrl.pathname.startsWith('/api/')) return NextResponse.next();\n"
        "  const url = request.nextUrl.clone();\n"
        "  url.pathname = '/api/collect';\n"
        "  return NextResponse.rewrite(url, { headers: { 'Access-Control-Allow-Origin': '*' } });\n}\n"
    )
    found = policies(tmp_path, {"proxy.ts": text}, "nextjs_middleware")
    assert len(found) == 1
    with pytest.raises(UnresolvedValueError):
        framework_of(found[0]).respond(found[0], Request("GET", "https://a.example", path="/"))


def test_middleware_rewrite_into_itself_with_the_same_headers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second pass can only write the same headers: the rewrite is the middleware's one
    answer, its headers unconditional, and next.config adds none."""
    monkeypatch.chdir(tmp_path)
    text = (
        "import { NextResponse } from 'next/server';\n"
        "export function proxy(request) {\n"
        "  const url = request.nextUrl.clone();\n"
        "  url.pathname = '/api/collect';\n"
        "  return NextResponse.rewrite(url, { headers: { 'Access-Control-Allow-Origin': '*' } });\n}\n"
    )
    found = policies(tmp_path, {"proxy.ts": text}, "nextjs_middleware")
    assert len(found) == 1
    answer = framework_of(found[0]).respond(found[0], Request("GET", "https://a.example", path="/"))
    assert answer.get("access-control-allow-origin") == "*"
