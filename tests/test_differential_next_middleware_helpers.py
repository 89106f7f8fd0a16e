"""Differential truth for a Next.js middleware whose CORS headers an imported helper writes on
the response it is handed (`withCors(response, origin)`, `return withCors(new NextResponse(
null, { status: 204 }), origin)`; extractors/express/next_middleware_helpers.py), against a
real `next start` (next, react, react-dom pinned in tests/node).

The app is tests/fixtures/nextjs/middleware_imported_helper_reflect_credentials in
JavaScript (no `typescript` in tests/node): the helper echoes the Origin it is handed with
credentials, on the middleware's own OPTIONS answer and on the passed-on response.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import linted_inside
from tests.next_server import compare_served, require_next, served, write_app
from tests.probe_battery import battery

HELPER = """\
export function withCors(response, origin) {
  response.headers.set('Access-Control-Allow-Origin', origin);
  response.headers.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS');
  response.headers.set('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  response.headers.set('Access-Control-Allow-Credentials', 'true');
  return response;
}
"""

MIDDLEWARE = """\
import { NextResponse } from 'next/server';
import { withCors } from '@/lib/cors';

export function middleware(request) {
  const origin = request.headers.get('origin');
  if (request.method === 'OPTIONS') {
    return withCors(new NextResponse(null, { status: 204 }), origin);
  }
  const response = NextResponse.next();
  withCors(response, origin);
  return response;
}

export const config = { matcher: '/api/:path*' };
"""

FILES = {
    "src/middleware.js": MIDDLEWARE,
    "src/lib/cors.js": HELPER,
    "jsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }\n',
    "package.json": '{ "name": "next-middleware-helpers", "private": true }\n',
    "src/app/layout.js": "export default function Root({ children }) {\n"
    "  return <html><body>{children}</body></html>;\n}\n",
    "src/app/api/notes/route.js": "export const GET = () => Response.json({ notes: [] });\n"
    "export const PATCH = () => Response.json({ updated: true });\n",
}


@pytest.fixture(scope="module")
def helper_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    require_next()
    project = tmp_path_factory.mktemp("next_middleware_helpers")
    write_app(project, FILES)
    with served(project, "/api/notes") as port:
        yield port, project


@pytest.mark.slow
def test_helper_written_headers_match_next_start(helper_server: tuple[int, Path]) -> None:
    port, project = helper_server
    (policy,) = [p for p in linted_inside(project) if p.framework == "nextjs_middleware"]
    assert policy.options["Access-Control-Allow-Credentials"].known
    requests = [
        Request(request.method, request.origin, request.headers, "/api/notes", request.credentials)
        for request in battery(policy)
    ]
    found = compare_served(port, policy, requests, "middleware withCors")
    assert not found.mismatches, "\n".join(found.mismatches[:10])
    assert found.compared >= 10 and found.preflights >= 2


def test_early_return_helper_is_not_read(tmp_path: Path) -> None:
    """A helper that returns before its writes for some callers (`if (!allowed(origin))
    return`) writes under a test the model does not see: not read, no policy guessed."""
    files = dict(FILES)
    files["src/lib/cors.js"] = HELPER.replace(
        "export function withCors(response, origin) {\n",
        "const allowed = ['https://portal.example'];\n"
        "export function withCors(response, origin) {\n  if (!allowed.includes(origin)) return;\n",
    )
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert [p for p in linted_inside(tmp_path) if p.framework == "nextjs_middleware"] == []
