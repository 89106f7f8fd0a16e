"""Differential truth: corslint's model of Next.js `headers()` against a real `next start`.

A small Next.js app is generated in a temporary folder (its node_modules a link to
tests/node/node_modules, where next, react and react-dom are pinned), with a
next.config.js whose `headers()` holds CORS rules of the fixtures' shapes: `:path*`
sources, a regex group, rules that overlap (a later value replacing an earlier one, a
lower-case key replacing a capitalised one), a catch-all that adds a header everywhere and
a rule with `has`. Behind the probe paths are the kinds of code that answer a request in
Next.js: an App Router route handler with and without an `OPTIONS` export, a Pages Router
API route, a page, and nothing at all. It is built once (`next build --webpack`: Turbopack
refuses a node_modules outside the project) and served by `next start` on 127.0.0.1.

corslint extracts the policies from the generated next.config.js; each policy's probe
battery (simple requests and preflights) is sent to the server, and every answer the
model gives must equal what the server sends, CORS header by CORS header. Next.js adds
its own tokens to `Vary` (`rsc`, `next-router-*`, `Accept-Encoding`); they are left out
of the comparison, and nothing else is. Preflights are sent wherever a rule applies: the
model answers them from the routes behind each path (204 behind a route handler without
an OPTIONS export, in a route group, under a dynamic segment or a catch-all; 405 behind a
page; 404 where nothing is) and leaves the others unanswered (a handler's own OPTIONS, a
Pages Router API route, another case, a trailing slash, a file name); what the server
does there is pinned in `test_what_answers_a_preflight`, and written up in
docs/semantics/nextjs.md. One rule is pushed onto the list under a condition. A Next 16
`proxy.js` (the middleware) on `/mw/:path*` gives each kind of answer the model reads
(its own preflight answer, `NextResponse.next({headers})`, headers set on the response,
rewrites out of and into its matcher); each of its policies is compared at its own path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import run_lint
from tests.next_server import (
    HOST,
    compare_served,
    require_next,
    send,
    served,
    served_mismatch,
    write_app,
)
from tests.probe_battery import battery, cors_headers

APP = "https://app.example.com"

NEXT_CONFIG = """\
const rules = [
      {
        source: '/api/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },
          { key: 'Access-Control-Allow-Methods', value: 'GET,POST,PUT,DELETE' },
          { key: 'Access-Control-Allow-Headers', value: 'Content-Type, Authorization' },
          { key: 'Vary', value: 'Origin' },
        ],
      },
      {
        source: '/api/public/:path*',
        headers: [
          { key: 'access-control-allow-origin', value: '*' },
          { key: 'Access-Control-Allow-Credentials', value: 'true' },
        ],
      },
      {
        source: '/api/widgets/:id',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://partner.example.com' },
          { key: 'Access-Control-Max-Age', value: '600' },
        ],
      },
      {
        source: '/api/embed/:path*',
        has: [{ type: 'header', key: 'x-embed', value: '1' }],
        headers: [{ key: 'Access-Control-Allow-Headers', value: 'X-Embed' }],
      },
      {
        source: '/api/partners/:path*',
        has: [{ type: 'header', key: 'origin', value: '(?<origin>https://[a-z]+\\\\.partner\\\\.example\\\\.com)' }],
        headers: [
          { key: 'Access-Control-Allow-Origin', value: ':origin' },
          { key: 'Access-Control-Allow-Credentials', value: 'true' },
        ],
      },
      {
        source: '/api/auth/:path*',
        has: [{ type: 'header', key: 'Origin', value: '(?<serviceName>^https://.*.vercel.app$)' }],
        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }],
      },
      {
        source: '/api/open/:path*',
        has: [{ type: 'header', key: 'origin' }],
        headers: [{ key: 'Access-Control-Allow-Origin', value: ':origin' }],
      },
      {
        source: '/v1/:id(\\\\d+)',
        headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }],
      },
      {
        source: '/page-a',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },
          { key: 'Vary', value: 'Origin' },
        ],
      },
      {
        source: '/missing/:path*',
        headers: [{ key: 'Access-Control-Allow-Origin', value: '*' }],
      },
      {
        source: '/facts/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://config.example.com' },
          { key: 'Access-Control-Allow-Methods', value: 'GET' },
        ],
      },
      {
        source: '/mw/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: 'https://config.example.com' },
          { key: 'Access-Control-Allow-Methods', value: 'GET' },
        ],
      },
      {
        source: '/shop/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: '*' },
          { key: 'Access-Control-Allow-Headers', value: '*' },
          { key: 'Access-Control-Max-Age', value: process.env.SHOP_MAX_AGE || '86400' },
        ],
      },
      {
        source: '/(.*)',
        headers: [
          { key: 'Access-Control-Expose-Headers', value: 'X-Request-Id' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
];

// added under a condition that holds on `next start` (NODE_ENV=production)
if (process.env.NODE_ENV === 'production') {
  rules.push({
    source: '/pushed/:path*',
    headers: [
      { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },
      { key: 'Access-Control-Allow-Methods', value: 'GET, PATCH' },
    ],
  });
}

/** @type {import('next').NextConfig} */
module.exports = {
  async headers() {
    return rules;
  },
};
"""

ALL_METHODS = """\
const answer = () => Response.json({ ok: true });
export const GET = answer;
export const POST = answer;
export const PUT = answer;
export const DELETE = answer;
export const PATCH = answer;
"""

# a Next 16 proxy (the middleware renamed): each kind of answer it gives, by path
PROXY = """\
import { NextResponse } from 'next/server';

const partnerCors = {
  'Access-Control-Allow-Origin': 'https://partner.example.com',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
  'Access-Control-Max-Age': '600',
};

export function proxy(request) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith('/mw/own/')) {
    if (request.method === 'OPTIONS') {
      return new NextResponse(null, { status: 204, headers: partnerCors });
    }
    return NextResponse.next({ headers: partnerCors });
  }
  if (pathname === '/mw/h') {
    return NextResponse.next({ headers: partnerCors });
  }
  if (pathname === '/mw/set') {
    const res = NextResponse.next();
    res.headers.set('Access-Control-Allow-Origin', 'https://set.example.com');
    res.headers.set('Access-Control-Expose-Headers', 'X-Set');
    return res;
  }
  if (pathname === '/mw/rw') {
    const url = request.nextUrl.clone();
    url.pathname = '/plain';
    return NextResponse.rewrite(url, { headers: { 'Access-Control-Allow-Origin': '*' } });
  }
  if (pathname === '/mw/again') {
    // the target passes through this proxy and headers() again: what it gets is theirs
    const url = request.nextUrl.clone();
    url.pathname = '/mw/h';
    return NextResponse.rewrite(url, { headers: { 'Access-Control-Allow-Origin': '*' } });
  }
  if (pathname === '/mw/opt' && request.method === 'OPTIONS') {
    return new NextResponse(null, {
      status: 200,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST' },
    });
  }
  return NextResponse.next();
}

export const config = { matcher: ['/mw/:path*'] };
"""

FILES = {
    "next.config.js": NEXT_CONFIG,
    "proxy.js": PROXY,
    "app/mw/h/route.js": "export const GET = () => Response.json({ ok: true });\n",
    "app/plain/route.js": "export const GET = () => Response.json({ ok: true });\n",
    "app/mw/own/[id]/route.js": "export const PUT = () => Response.json({ ok: true });\n",
    "package.json": '{ "name": "next-differential", "private": true }\n',
    "app/layout.js": "export default function Root({ children }) {\n"
    "  return <html><body>{children}</body></html>;\n}\n",
    "app/page-a/page.js": "export default function PageA() {\n  return <p>a</p>;\n}\n",
    # a route handler without OPTIONS: Next.js answers OPTIONS itself
    "app/api/x/route.js": ALL_METHODS,
    "app/api/embed/x/route.js": "export const GET = () => Response.json({ ok: true });\n",
    "app/v1/[id]/route.js": "export const GET = () => Response.json({ ok: true });\n",
    # a route handler with its own OPTIONS answer, and its own headers
    "app/api/public/x/route.js": ALL_METHODS + "export const OPTIONS = () => new Response(null, {\n"
    "  status: 204,\n"
    "  headers: { 'Access-Control-Allow-Origin': 'https://handler.example.com', 'X-Handler': 'options' },\n"
    "});\n",
    "app/facts/handler/route.js": "export const GET = () => Response.json({ ok: true }, {\n"
    "  headers: {\n"
    "    'Access-Control-Allow-Origin': 'https://handler.example.com',\n"
    "    'Access-Control-Expose-Headers': 'X-From-Handler',\n"
    "    'Access-Control-Max-Age': '5',\n"
    "  },\n"
    "});\n",
    # a route group, a dynamic segment, a catch-all, an optional catch-all, a page below them
    "app/(store)/shop/[id]/route.js": "export const GET = () => Response.json({ ok: true });\n",
    "app/shop/all/[...slug]/route.js": "export const POST = () => Response.json({ ok: true });\n",
    "app/shop/about/page.js": "export default function About() {\n  return <p>about</p>;\n}\n",
    "app/pushed/[[...rest]]/route.js": "export const PATCH = () => Response.json({ ok: true });\n",
    # a Pages Router API route: the handler answers every method, OPTIONS included
    "pages/api/widgets/[id].js": "export default function handler(req, res) {\n"
    "  res.status(200).json({ method: req.method });\n}\n",
}


@pytest.fixture(scope="session")
def next_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    """The app, built once per test session, served by `next start`: (host, port, project)."""
    require_next()
    project = tmp_path_factory.mktemp("next_app")
    write_app(project, FILES)
    with served(project, "/api/x") as port:
        yield HOST, port, project


def _app_page(pairs: list[tuple[str, str]]) -> bool:
    """An App Router page (the not-found page included): HTML, with Next.js's `rsc` Vary."""
    headers = {name.lower(): value for name, value in pairs}
    return headers.get("content-type", "").startswith("text/html") and "rsc" in headers.get("vary", "")


def _policies(project: Path, file: str = "next.config.js") -> list[CorsPolicy]:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        found = run_lint(Path(file)).policies
    finally:
        os.chdir(cwd)
    framework = "nextjs_headers" if file == "next.config.js" else "nextjs_middleware"
    return [policy for policy in found if policy.framework == framework]


# behind them: a route handler (in a route group, with a dynamic segment, a catch-all, an
# optional catch-all), one with its own OPTIONS, a page, a Pages Router API route, nothing;
# and paths the model leaves unanswered (another case, a trailing slash, a file name)
PREFLIGHT_PATHS = (
    "/api/x",
    "/api/public/x",
    "/api/widgets/7",
    "/page-a",
    "/missing/x",
    "/v1/1",
    "/shop/1",
    "/shop/all/a/b",
    "/shop/about",
    "/shop/none/x/y",
    "/pushed",
    "/pushed/a/b",
    "/api/nothing-here",
    "/API/x",
    "/api/x/",
    "/shop/logo.png",
    "/mw/h",
)


def _requests(policy: CorsPolicy, probes: list[str]) -> list[Request]:
    requests = battery(policy)
    # the other rules' probe paths this rule's pattern matches too: the rules merge there
    framework = framework_of(policy)
    for path in probes:
        if path != policy.probe_path and framework.answers(policy, path):
            requests += [Request("GET", APP, path=path), Request("GET", "https://evil.example", path=path)]
    # preflights wherever the rule applies: what is behind each path answers them
    for path in (*probes, *PREFLIGHT_PATHS):
        if framework.answers(policy, path):
            requests += [_preflight(path), Request.make("OPTIONS", APP, {}, path=path)]
    # the `has` conditions met: an `x-embed: 1` header, origins the Origin patterns admit
    requests += [
        Request(r.method, r.origin, (*r.headers, ("x-embed", "1")), path=r.path) for r in requests[:6]
    ]
    for origin in ("https://app.partner.example.com", "https://shop.vercel.app", "null"):
        requests.append(Request("GET", origin, path=policy.probe_path))
        requests.append(Request("GET", origin, path=policy.probe_path, credentials=True))
    return requests


@pytest.fixture(scope="session")
def compared(next_server: tuple[str, int, Path]) -> dict[str, Any]:
    host, port, project = next_server
    policies = _policies(project)
    probes = [policy.probe_path for policy in policies] + ["/api/widgets/7", "/api/public/deep/er"]
    mismatches: list[str] = []
    counts = {"compared": 0, "unresolved": 0, "requests": 0, "pages": 0, "preflights": 0, "proxy": 0}
    sources = []
    for policy in policies:
        source = policy.app.split("::", 1)[1]
        sources.append(source)
        if source == "/facts/:path*":  # the handler's own headers: test_handler_headers_and_conditions
            continue
        respond = framework_of(policy).respond
        for request in _requests(policy, probes):
            if request.path.startswith("/facts/") and request.method != "OPTIONS":
                continue  # the handler's own headers there: test_handler_headers_and_conditions
            status, pairs = send(host, port, request)
            counts["requests"] += 1
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                counts["unresolved"] += 1
                continue
            where = (
                f"{source}: {request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
            )
            expected = cors_headers(predicted.headers)
            if _app_page(pairs):  # its renderer replaces a configured Vary: test_vary_on_pages
                expected.pop("vary", None)
                counts["pages"] += 1
            mismatch = served_mismatch(where, status, pairs, predicted, expected)
            if mismatch is not None:
                mismatches.append(mismatch)
            counts["compared"] += 1
            counts["preflights"] += request.method == "OPTIONS"
    for policy in _policies(project, "proxy.js"):  # each answer the proxy gives, at its path
        sources.append(f"proxy {policy.probe_path}")
        found = compare_served(port, policy, [*battery(policy), _preflight(policy.probe_path)], "proxy")
        mismatches += found.mismatches
        for count in ("requests", "unresolved", "compared", "preflights"):
            counts[count] += getattr(found, count)
        counts["proxy"] += found.compared
    return {"mismatches": mismatches, "counts": counts, "sources": sources}


@pytest.mark.slow
def test_model_matches_next_start(compared: dict[str, Any]) -> None:
    assert not compared["mismatches"], "\n".join(compared["mismatches"][:20])
    counts = compared["counts"]
    print(counts)
    assert counts["compared"] >= 100
    assert counts["preflights"] >= 100  # 204 behind route handlers, 405 behind pages, 404
    assert counts["unresolved"] >= 50  # OPTIONS where code decides, and the `has` rule
    assert set(compared["sources"]) >= {
        "/api/:path*",
        "/api/public/:path*",
        "/v1/:id(\\d+)",
        "/page-a",
        "/shop/:path*",
        "/pushed/:path*",
        # the proxy: answering its preflights, passing on with headers (its own, set on
        # the response, a rewrite's), answering OPTIONS only
        "proxy /mw/own/x",
        "proxy /mw/h",
        "proxy /mw/set",
        "proxy /mw/rw",
        "proxy /mw/opt",
        "proxy /mw/again",
    }
    assert counts["proxy"] >= 50


def _preflight(path: str) -> Request:
    return Request.make(
        "OPTIONS",
        APP,
        {"access-control-request-method": "PUT", "access-control-request-headers": "content-type"},
        path=path,
    )


@pytest.mark.slow
def test_what_answers_a_preflight(next_server: tuple[str, int, Path]) -> None:
    """Config headers answer no OPTIONS request themselves: the code behind the path does,
    and the config headers are written over its answer, whatever its status."""
    host, port, _ = next_server
    answers = {}
    for path in ("/api/x", "/api/public/x", "/api/widgets/7", "/page-a", "/missing/x", "/v1/1"):
        status, pairs = send(host, port, _preflight(path))
        names = {name.lower(): value for name, value in pairs}
        answers[path] = (status, names.get("access-control-allow-origin"), names.get("allow"))
    # App Router route handler without OPTIONS: Next.js answers 204 with Allow, and the config headers
    assert answers["/api/x"] == (204, APP, "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
    # with an OPTIONS export: the handler's status; the config's Allow-Origin replaces the handler's
    assert answers["/api/public/x"] == (204, "*", None)
    # Pages Router API route: the handler runs for OPTIONS too
    assert answers["/api/widgets/7"] == (200, "https://partner.example.com", None)
    # a page: 405 (Allow: GET, HEAD), the config headers still sent: the preflight fails
    assert answers["/page-a"][:2] == (405, APP)
    # nothing there: 404 with the config headers
    assert answers["/missing/x"] == (404, "*", None)
    assert answers["/v1/1"] == (204, "*", "GET, HEAD, OPTIONS")


@pytest.mark.slow
def test_handler_headers_and_conditions(next_server: tuple[str, int, Path]) -> None:
    host, port, _ = next_server
    # a header the handler sets and a config rule sets too: the config's value is sent
    # (the catch-all's Expose-Headers as well); the handler's other headers stay
    _, pairs = send(host, port, Request("GET", APP, path="/facts/handler"))
    headers = cors_headers(pairs)
    assert headers["access-control-allow-origin"] == "https://config.example.com"
    assert headers["access-control-expose-headers"] == "X-Request-Id"
    assert headers["access-control-max-age"] == "5"
    # `has`: the rule's headers only when the request has the header with that value
    for sent, expected in (({}, None), ({"x-embed": "1"}, "X-Embed"), ({"x-embed": "2"}, None)):
        request = Request.make("GET", APP, sent, path="/api/embed/x")
        _, pairs = send(host, port, request)
        allow = cors_headers(pairs).get("access-control-allow-headers")
        assert allow == (expected or "Content-Type, Authorization"), (sent, allow)


@pytest.mark.slow
def test_vary_on_pages(next_server: tuple[str, int, Path]) -> None:
    """A configured `Vary` is kept (Next.js appends its own tokens) on route handlers and
    Pages Router API routes; App Router pages and the not-found page replace it."""
    host, port, _ = next_server
    vary = {}
    for path in ("/api/x", "/api/widgets/7", "/page-a", "/api/nothing-here"):
        status, pairs = send(host, port, Request("GET", APP, path=path))
        vary[path] = (status, cors_headers(pairs).get("vary", "").split(",")[0].strip())
    assert vary == {
        "/api/x": (200, "Origin"),
        "/api/widgets/7": (200, "Origin"),
        "/page-a": (200, "rsc"),
        "/api/nothing-here": (404, "rsc"),
    }
