"""Differential truth for two next.config / middleware shapes real projects write, against
a real `next start` (next, react, react-dom pinned in tests/node):

- `headers` assigned to the config object after it is declared, inside an `if`, with the
  header list in a module-level const (ChatGPTNextWeb/NextChat `next.config.mjs`):
  corslint reads it as `headers()`, and its model answers what the server sends;
- a root `middleware.js` in an app that lives under `src/app` (shayush622/resQlink-client):
  Next.js never runs it (its headers are absent from every answer), and corslint's policy
  of it sends nothing and says so (CORS303).

The app is built once (`next build --webpack`, as in test_differential_next.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import linted_inside
from tests.next_server import HOST, compare_served, require_next, send, served, write_app
from tests.probe_battery import battery

APP = "https://relay.example.com"

NEXT_CONFIG = """\
const mode = process.env.BUILD_MODE ?? 'standalone';

/** @type {import('next').NextConfig} */
const nextConfig = { output: mode === 'export' ? 'export' : undefined };

const relayHeaders = [
  { key: 'Access-Control-Allow-Origin', value: 'https://relay.example.com' },
  { key: 'Access-Control-Allow-Methods', value: 'GET, POST, OPTIONS' },
  { key: 'Access-Control-Allow-Headers', value: 'Content-Type' },
  { key: 'Vary', value: 'Origin' },
];

if (mode !== 'export') {
  nextConfig.headers = async () => {
    return [{ source: '/api/:path*', headers: relayHeaders }];
  };
}

export default nextConfig;
"""

# at the project root, while the routes live in src/app: never loaded
ROOT_MIDDLEWARE = """\
import { NextResponse } from 'next/server';

export function middleware() {
  const response = NextResponse.next();
  response.headers.set('Access-Control-Allow-Origin', '*');
  response.headers.set('X-Root-Middleware', 'ran');
  return response;
}
"""

# beside src/app: the one Next.js runs (no CORS headers, a marker only)
SRC_MIDDLEWARE = """\
import { NextResponse } from 'next/server';

export function middleware() {
  const response = NextResponse.next();
  response.headers.set('X-Src-Middleware', 'ran');
  return response;
}
"""

# among the routes (terminaltrifecta/AmigosStreetTacos `app/api/middleware.ts`): neither
# loaded as middleware nor served as a route
APP_MIDDLEWARE = ROOT_MIDDLEWARE.replace("X-Root-Middleware", "X-App-Middleware")

FILES = {
    "next.config.mjs": NEXT_CONFIG,
    "middleware.js": ROOT_MIDDLEWARE,
    "src/app/api/middleware.js": APP_MIDDLEWARE,
    "src/middleware.js": SRC_MIDDLEWARE,
    "package.json": '{ "name": "next-layout-differential", "private": true }\n',
    "src/app/layout.js": "export default function Root({ children }) {\n"
    "  return <html><body>{children}</body></html>;\n}\n",
    "src/app/api/relay/route.js": "export const GET = () => Response.json({ ok: true });\n"
    "export const POST = () => Response.json({ ok: true });\n",
}


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    require_next()
    project = tmp_path_factory.mktemp("next_layout")
    write_app(project, FILES)
    with served(project, "/api/relay") as port:
        yield HOST, port, project


@pytest.mark.slow
def test_assigned_headers_match_next_start(layout_server: tuple[str, int, Path]) -> None:
    _, port, project = layout_server
    policies = [p for p in linted_inside(project) if p.framework == "nextjs_headers"]
    assert [p.app.split("::", 1)[1] for p in policies] == ["/api/:path*"]
    policy = policies[0]
    preflight = Request.make(
        "OPTIONS",
        APP,
        {"access-control-request-method": "POST", "access-control-request-headers": "content-type"},
    )
    requests = [
        Request(request.method, request.origin, request.headers, "/api/relay", request.credentials)
        for request in [*battery(policy), preflight]
    ]
    found = compare_served(port, policy, requests, "/api/:path*")
    assert not found.mismatches, "\n".join(found.mismatches[:10])
    assert found.compared >= 10


@pytest.mark.slow
def test_root_middleware_beside_src_app_never_runs(layout_server: tuple[str, int, Path]) -> None:
    host, port, project = layout_server
    for request in (Request("GET", APP, path="/api/relay"), Request("GET", APP, path="/")):
        _, pairs = send(host, port, request)
        names = {name.lower() for name, _ in pairs}
        assert "x-src-middleware" in names and "x-root-middleware" not in names
        assert "x-app-middleware" not in names
    status, _ = send(host, port, Request("GET", APP, path="/api/middleware"))
    assert status == 404  # not a route either
    never_run = [p for p in linted_inside(project) if p.framework == "nextjs_middleware"]
    assert len(never_run) == 2
    assert all(not p.options and p.evidence[0].kind == "not-applied" for p in never_run)
