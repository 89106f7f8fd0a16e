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

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import run_lint
from tests.probe_battery import battery, cors_headers
from tests.test_differential_express import NODE_DIR, require_node_package
from tests.test_differential_next import BUILD_SECONDS, _free_port, _next, _send, _without_next_vary

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
    for package in ("next", "react", "react-dom"):
        require_node_package(package)
    project = tmp_path_factory.mktemp("next_layout")
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    (project / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    build = _next(project, "build", "--webpack", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = build.communicate(timeout=BUILD_SECONDS)
    assert build.returncode == 0, output[-4000:]
    port = _free_port()
    server = _next(
        project,
        "start",
        "-p",
        str(port),
        "-H",
        "127.0.0.1",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _send("127.0.0.1", port, Request("GET", None, path="/api/relay"))
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "next start did not come up"
                time.sleep(0.2)
        yield "127.0.0.1", port, project
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _policies(project: Path) -> list[CorsPolicy]:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return list(run_lint(Path(".")).policies)
    finally:
        os.chdir(cwd)


@pytest.mark.slow
def test_assigned_headers_match_next_start(layout_server: tuple[str, int, Path]) -> None:
    host, port, project = layout_server
    policies = [p for p in _policies(project) if p.framework == "nextjs_headers"]
    assert [p.app.split("::", 1)[1] for p in policies] == ["/api/:path*"]
    policy = policies[0]
    respond = framework_of(policy).respond
    compared, mismatches = 0, []
    preflight = Request.make(
        "OPTIONS",
        APP,
        {"access-control-request-method": "POST", "access-control-request-headers": "content-type"},
    )
    for request in [*battery(policy), preflight]:
        request = Request(request.method, request.origin, request.headers, "/api/relay", request.credentials)
        status, pairs = _send(host, port, request)
        try:
            predicted = respond(policy, request)
        except UnresolvedValueError:
            continue
        real, expected = _without_next_vary(pairs), cors_headers(list(predicted.headers))
        if predicted.status is not None and predicted.status != status:
            mismatches.append(f"{request}: status {status} != {predicted.status}")
        elif real != expected:
            mismatches.append(f"{request}: {real} != {expected}")
        compared += 1
    assert not mismatches, "\n".join(mismatches[:10])
    assert compared >= 10


@pytest.mark.slow
def test_root_middleware_beside_src_app_never_runs(layout_server: tuple[str, int, Path]) -> None:
    host, port, project = layout_server
    for request in (Request("GET", APP, path="/api/relay"), Request("GET", APP, path="/")):
        _, pairs = _send(host, port, request)
        names = {name.lower() for name, _ in pairs}
        assert "x-src-middleware" in names and "x-root-middleware" not in names
        assert "x-app-middleware" not in names
    status, _ = _send(host, port, Request("GET", APP, path="/api/middleware"))
    assert status == 404  # not a route either
    never_run = [p for p in _policies(project) if p.framework == "nextjs_middleware"]
    assert len(never_run) == 2
    assert all(not p.options and p.evidence[0].kind == "not-applied" for p in never_run)
