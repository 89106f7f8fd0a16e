"""Differential truth on a real `next start` (next 16.5.0, the harness of
tests/test_differential_next.py) for what answers an OPTIONS request where hand-written
headers meet Next.js's own routing:

- an App Router route handler that returns its CORS headers from `POST`/`GET` and exports
  no `OPTIONS`: Next.js answers OPTIONS itself, 204 and `Allow`, without the handler's
  headers (framework `nextjs_route_headers`); one that exports `OPTIONS` answers with it;
- a Pages Router API handler that refuses every method but one with 405, under a
  next.config `headers()` rule: OPTIONS gets that 405, with the configured headers
  (framework `nextjs_headers`; heldout3 sahibsethi17/Scriptorium).

Each policy's probe battery is sent to the server at the route's path; every answer the
model gives must equal the server's, CORS header by CORS header (Next.js's own Vary tokens
left out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import linted_inside
from tests.next_server import HOST, compare_served, require_next, send, served, without_next_vary, write_app
from tests.probe_battery import battery

COMMON = {
    "package.json": '{ "name": "next-serverless-differential", "private": true }\n',
    "app/layout.js": "export default function Root({ children }) {\n"
    "  return <html><body>{children}</body></html>;\n}\n",
}
ROUTE_APP = {
    **COMMON,
    "next.config.js": "module.exports = { reactStrictMode: true };\n",
    "lib/cors.js": "const partners = ['https://app.example.com', 'https://admin.example.com'];\n"
    "export function corsHeaders(req) {\n"
    "  const origin = req.headers.get('origin') || '';\n"
    "  const chosen = partners.includes(origin) ? origin : partners[0];\n"
    "  return {\n"
    "    'Access-Control-Allow-Origin': chosen,\n"
    "    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',\n"
    "    'Access-Control-Allow-Headers': 'Content-Type',\n"
    "    'Access-Control-Allow-Credentials': true,\n"
    "    Vary: 'Origin',\n"
    "  };\n}\n",
    # no OPTIONS export: Next.js answers OPTIONS, without these headers
    "app/api/orders/route.js": "import { corsHeaders } from '../../../lib/cors.js';\n"
    "export async function GET(req) {\n"
    "  return Response.json({ orders: [] }, { headers: corsHeaders(req) });\n}\n"
    "export async function POST(req) {\n"
    "  return Response.json({ id: 1 }, { status: 201, headers: corsHeaders(req) });\n}\n",
    # its own OPTIONS answer
    "app/api/cart/route.js": "import { corsHeaders } from '../../../lib/cors.js';\n"
    "export function OPTIONS(req) {\n"
    "  return new Response(null, { status: 204, headers: corsHeaders(req) });\n}\n"
    "export async function PUT(req) {\n"
    "  return Response.json({ ok: true }, { headers: corsHeaders(req) });\n}\n",
}
PAGES_APP = {
    **COMMON,
    "next.config.js": "module.exports = {\n"
    "  async headers() {\n"
    "    return [{ source: '/api/:path*', headers: [\n"
    "      { key: 'Access-Control-Allow-Origin', value: 'https://app.example.com' },\n"
    "      { key: 'Access-Control-Allow-Credentials', value: 'true' },\n"
    "      { key: 'Access-Control-Allow-Headers', value: 'Content-Type, Authorization' },\n"
    "    ] }];\n"
    "  },\n};\n",
    "pages/api/notes/update.js": "export default async function handler(req, res) {\n"
    "  if (req.method !== 'PUT') {\n"
    "    return res.status(405).json({ error: 'Method not allowed' });\n"
    "  }\n"
    "  res.status(200).json({ saved: true });\n}\n",
}
APPS = {"route": ROUTE_APP, "pages": PAGES_APP}


@pytest.mark.slow
@pytest.mark.parametrize("app", sorted(APPS))
def test_model_matches_next_start(app: str, tmp_path: Path) -> None:
    require_next()
    project = tmp_path / app
    write_app(project, APPS[app])
    policies = linted_inside(project)
    if app == "route":
        paths = {"app/api/orders/route.js": "/api/orders", "app/api/cart/route.js": "/api/cart"}
        chosen = [(p, paths[p.location.path]) for p in policies if p.framework == "nextjs_route_headers"]
        assert len(chosen) == 2, policies
    else:
        chosen = [(p, p.probe_path) for p in policies if p.framework == "nextjs_headers"]
        assert [path for _, path in chosen] == ["/api/notes/update"], policies
    with served(project, "/api/missing") as port:
        if app == "route":  # what the rules report on: Next.js's own 204, without the handler's headers
            status, pairs = send(
                HOST,
                port,
                Request.make(
                    "OPTIONS",
                    "https://app.example.com",
                    {"access-control-request-method": "POST"},
                    path="/api/orders",
                ),
            )
            assert status == 204 and "access-control-allow-origin" not in without_next_vary(pairs)
        for policy, path in chosen:
            requests = [
                Request.make(request.method, request.origin, dict(request.headers), path=path)
                for request in battery(policy)
            ]
            found = compare_served(
                port, policy, requests, path, lambda answer: without_next_vary(answer.headers)
            )
            assert found.compared >= 10, (policy.location, found.compared)
            assert not found.mismatches, "\n".join(found.mismatches[:10])
