"""Differential truth for a Next.js middleware that writes no CORS header and passes every
request on (a session refresh, chrisgscott/supastripe `middleware.ts` +
`utils/supabase/middleware.ts`), beside `headers()` CORS rules, against a real `next start`
(next, react, react-dom pinned in tests/node):

- an OPTIONS request the middleware passes on (`NextResponse.next()`, a `NextResponse.next({
  request: { headers } })` held in a variable, returned by an imported helper) reaches the
  route handler, which Next.js answers with 204 + `Allow` and the configured headers: the
  model answers it so (`next_middleware_passing`), and a rule with only an Allow-Origin is
  CORS206;
- where the helper redirects (`pathname.startsWith('/account')`), the answer is a redirect:
  the model leaves those paths unanswered;
- a middleware that redirects under a test it cannot read (no pathname) leaves every path
  it covers unanswered, as before.

The app is built once (`next build --webpack`, as in test_differential_next.py); the files
are JavaScript (no `typescript` in tests/node), the TypeScript fixture is
tests/fixtures/nextjs/middleware_session_passthrough_preflight.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import UnresolvedValueError
from tests.conftest import linted_inside
from tests.next_server import HOST, compare_served, require_next, send, served, write_app
from tests.probe_battery import battery

SITE = "https://tickets.example.org"

NEXT_CONFIG = """\
/** @type {import('next').NextConfig} */
module.exports = {
  async headers() {
    return [
      {
        source: '/api/:path*',
        headers: [{ key: 'Access-Control-Allow-Origin', value: 'https://tickets.example.org' }],
      },
      {
        source: '/open/:path*',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: '*' },
          { key: 'Access-Control-Allow-Methods', value: 'GET, POST' },
          { key: 'Access-Control-Allow-Headers', value: 'Content-Type' },
        ],
      },
    ];
  },
};
"""

MIDDLEWARE = """\
import { NextResponse } from 'next/server';
import { refreshSession } from '@/lib/session';

export async function middleware(request) {
  if (request.nextUrl.pathname.startsWith('/status/')) {
    return NextResponse.next();
  }
  return await refreshSession(request);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
"""

SESSION = """\
import { NextResponse } from 'next/server';

export const refreshSession = async (request) => {
  let response = NextResponse.next({ request: { headers: request.headers } });
  const sid = request.cookies.get('desk-sid')?.value;
  try {
    if (sid) {
      response = NextResponse.next({ request });
      response.cookies.set('desk-sid', sid, { httpOnly: true });
    }
    if (request.nextUrl.pathname.startsWith('/account') && !sid) {
      return NextResponse.redirect(new URL('/login', request.url));
    }
    response.headers.set('X-Session', sid ? 'kept' : 'none');
    return response;
  } catch (error) {
    return NextResponse.next({ request: { headers: request.headers } });
  }
};
"""

ROUTE = """\
export async function GET() {
  return Response.json({ orders: [] });
}

export async function POST(request) {
  const order = await request.json();
  return Response.json({ id: order.ticketId }, { status: 201 });
}
"""

FILES = {
    "next.config.js": NEXT_CONFIG,
    "middleware.js": MIDDLEWARE,
    "lib/session.js": SESSION,
    "jsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./*"] } } }\n',
    "package.json": '{ "name": "next-passing-differential", "private": true }\n',
    "app/layout.js": "export default function Root({ children }) {\n"
    "  return <html><body>{children}</body></html>;\n}\n",
    "app/account/page.js": "export default function Account() {\n  return <main>tickets</main>;\n}\n",
    "app/api/orders/route.js": ROUTE,
    "app/open/feed/route.js": ROUTE,
}


@pytest.fixture(scope="module")
def passing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    require_next()
    project = tmp_path_factory.mktemp("next_passing")
    write_app(project, FILES)
    with served(project, "/api/orders") as port:
        yield port, project


def _preflight(path: str, method: str = "POST") -> Request:
    request = Request.make(
        "OPTIONS",
        SITE,
        {"access-control-request-method": method, "access-control-request-headers": "content-type"},
    )
    return Request(request.method, request.origin, request.headers, path, request.credentials)


@pytest.mark.slow
def test_passed_on_preflights_match_next_start(passing_server: tuple[int, Path]) -> None:
    port, project = passing_server
    policies = {p.app.split("::", 1)[1]: p for p in linted_inside(project) if p.framework == "nextjs_headers"}
    assert sorted(policies) == ["/api/:path*", "/open/:path*"]
    preflights = 0
    for source, path in (("/api/:path*", "/api/orders"), ("/open/:path*", "/open/feed")):
        policy = policies[source]
        requests = [
            Request(request.method, request.origin, request.headers, path, request.credentials)
            for request in [*battery(policy), _preflight(path), _preflight(path, "PUT")]
        ]
        found = compare_served(port, policy, requests, source)
        assert not found.mismatches, "\n".join(found.mismatches[:10])
        preflights += found.preflights
    assert preflights >= 4  # the model answers the OPTIONS requests the middleware passes on


@pytest.mark.slow
def test_redirected_paths_stay_unanswered(passing_server: tuple[int, Path]) -> None:
    port, project = passing_server
    status, _ = send(HOST, port, _preflight("/account"))
    assert status == 307  # the helper's redirect: no preflight passes there
    status, pairs = send(HOST, port, _preflight("/api/orders"))
    assert status == 204 and ("x-session", "none") in [(n.lower(), v) for n, v in pairs]
    policy = next(p for p in linted_inside(project) if p.app.endswith("::/api/:path*"))
    with pytest.raises(UnresolvedValueError):
        framework_of(policy).respond(policy, _preflight("/account"))


def test_unread_redirect_leaves_the_matcher_unanswered(tmp_path: Path) -> None:
    """No server needed: a redirect under a test of something other than the pathname may
    answer anywhere the matcher covers (the old answer, kept)."""
    files = dict(FILES)
    files["lib/session.js"] = SESSION.replace("request.nextUrl.pathname.startsWith('/account') && ", "")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    policy = next(p for p in linted_inside(tmp_path) if p.app.endswith("::/api/:path*"))
    with pytest.raises(UnresolvedValueError):
        framework_of(policy).respond(policy, _preflight("/api/orders"))
    passing = dict(FILES)
    for name, text in passing.items():
        (tmp_path / name).write_text(text)
    policy = next(p for p in linted_inside(tmp_path) if p.app.endswith("::/api/:path*"))
    assert framework_of(policy).respond(policy, _preflight("/api/orders")).status == 204
