"""Differential truth for SvelteKit server hooks and itty-router route tables
(extractors.express.sveltekit_hooks, itty_router_tables).

SvelteKit: the fixture hook's logic run through the real `sequence` of @sveltejs/kit with a
route that answers like a `+server.ts` endpoint (the kit's own `method_not_allowed` for
the methods it does not export): the hook's own 204 answers every preflight, allowed
origins get the echo with Max-Age 86400, others nothing; actual responses get the headers
set on `resolve(event)`'s Response. An endpoint without an OPTIONS export answers 405.

itty-router: a table without an OPTIONS route leaves preflights unmatched (`Router` gives
no Response, `AutoRouter` 404), while the registered POST handler answers with its headers."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import FIXTURES, policies_linted_inside, sole_policy_inside
from tests.test_differential_express import NODE_DIR, require_node_package

_SVELTEKIT = """
import { sequence } from '@sveltejs/kit/hooks';
import { with_request_store } from '@sveltejs/kit/internal/server';
import { noop_span } from './node_modules/@sveltejs/kit/src/runtime/telemetry/noop.js';
import { method_not_allowed } from './node_modules/@sveltejs/kit/src/runtime/server/utils.js';
const state = { tracing: { record_span: ({ fn }) => fn(noop_span) } };
// the logic of tests/fixtures/sveltekit/hook_sequence_loopback_allowlist/src/hooks.server.ts
const trustedCallers = ['app://-', 'http://localhost:5173', 'http://127.0.0.1:5173'];
const sessionHandle = async ({ event, resolve }) =>
  resolve(event, { filterSerializedResponseHeaders: (name) => name === 'set-cookie' });
const corsHandle = async ({ event, resolve }) => {
  const caller = event.request.headers.get('Origin');
  let trusted = false;
  if (caller && trustedCallers.includes(caller)) { trusted = true; }
  if (event.request.method === 'OPTIONS') {
    if (!trusted) return new Response(null, { status: 204 });
    const headers = new Headers();
    headers.set('Access-Control-Allow-Origin', caller);
    headers.set('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
    headers.set('Access-Control-Allow-Headers', 'Content-Type, Authorization');
    headers.set('Access-Control-Allow-Credentials', 'true');
    headers.set('Access-Control-Max-Age', '86400');
    headers.set('Vary', 'Origin');
    return new Response(null, { status: 204, headers });
  }
  const response = await resolve(event);
  if (trusted) {
    response.headers.set('Access-Control-Allow-Origin', caller);
    response.headers.set('Access-Control-Allow-Credentials', 'true');
    response.headers.append('Vary', 'Origin');
  }
  return response;
};
const handle = sequence(sessionHandle, corsHandle);
const endpoint = { POST: () => Response.json({ saved: true }) };
const route = async (event) => {
  const handler = endpoint[event.request.method];
  return handler ? handler(event) : method_not_allowed(endpoint, event.request.method);
};
const answers = [];
for (const [method, origin] of [['OPTIONS', 'http://localhost:5173'], ['OPTIONS', 'https://elsewhere.example'],
                                ['POST', 'http://localhost:5173'], ['POST', 'https://elsewhere.example']]) {
  const request = new Request('http://studio.test/api/notes', { method, headers: { origin } });
  const event = { request, url: new URL(request.url) };
  const response = await with_request_store({ event, state }, () => handle({ event, resolve: route }));
  answers.push({ status: response.status, origin: response.headers.get('access-control-allow-origin'),
                 maxAge: response.headers.get('access-control-max-age') });
}
answers.push({ status: method_not_allowed(endpoint, 'OPTIONS').status });
const { json, text } = await import('@sveltejs/kit');
const made = json({ received: 1 }, { status: 201, headers: { 'Access-Control-Allow-Origin': 'https://w.example' } });
const said = text('stored', { headers: { 'Access-Control-Allow-Origin': 'https://w.example' } });
answers.push({ status: made.status, origin: made.headers.get('access-control-allow-origin') });
answers.push({ status: said.status, origin: said.headers.get('access-control-allow-origin') });
console.log(JSON.stringify(answers));
"""


def test_sveltekit_hook_sequence_answers_as_modelled() -> None:
    require_node_package("@sveltejs/kit")
    completed = subprocess.run(
        ["node", "--input-type=module", "-e", _SVELTEKIT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=NODE_DIR,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    listed_preflight, other_preflight, listed_post, other_post, bare, made, said = json.loads(
        completed.stdout
    )
    assert listed_preflight == {"status": 204, "origin": "http://localhost:5173", "maxAge": "86400"}
    assert other_preflight == {"status": 204, "origin": None, "maxAge": None}
    assert listed_post == {"status": 200, "origin": "http://localhost:5173", "maxAge": None}
    assert other_post["origin"] is None
    assert bare == {"status": 405}  # an endpoint without OPTIONS: the hook must answer it
    # `json(data, init)` / `text(body, init)` are Responses with the init's status and headers
    assert made == {"status": 201, "origin": "https://w.example"}
    assert said == {"status": 200, "origin": "https://w.example"}

    project = FIXTURES / "sveltekit" / "hook_sequence_loopback_allowlist"
    policy = sole_policy_inside(project, "sveltekit_hook_headers")
    ends = [value.raw for name, value in policy.options.items() if name.startswith("end")]
    answers = {(end["status"].raw, tuple(atom.raw for atom in end["when"].raw)) for end in ends}
    assert answers == {(204, ("OPTIONS", "!ALLOWED")), (204, ("OPTIONS", "ALLOWED")), (200, ("!OPTIONS",))}
    allowed = policy.options["guard"].raw.allowed
    assert [entry.raw for entry in allowed] == ["app://-", "http://localhost:5173", "http://127.0.0.1:5173"]


_ITTY = """
const v4 = require('itty-router-4');
const v5 = require('itty-router');
(async () => {
  const out = {};
  for (const [name, make] of [['Router4', () => v4.Router()], ['Router5', () => v5.Router()],
                              ['AutoRouter5', () => v5.AutoRouter()]]) {
    const router = make();
    const open = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' };
    router.get('/api/notes', async () => new Response('[]', { headers: open }))
      .post('/api/notes', async (request) => new Response('{}', { status: 201, headers: open }))
      .get('*', () => new Response('Not found', { status: 404 }));
    const answer = (router.fetch || router.handle).bind(router);
    const preflight = await answer(new Request('http://notes.test/api/notes', { method: 'OPTIONS',
      headers: { origin: 'https://a.example', 'access-control-request-method': 'POST',
                 'access-control-request-headers': 'content-type' } }));
    const post = await answer(new Request('http://notes.test/api/notes', { method: 'POST', body: '{}',
      headers: { origin: 'https://a.example', 'content-type': 'application/json' } }));
    out[name] = { preflight: preflight === undefined ? null : preflight.status, post: post.status,
                  origin: post.headers.get('access-control-allow-origin') };
  }
  console.log(JSON.stringify(out));
})();
"""


def test_itty_router_table_without_options_route_fails_preflights() -> None:
    require_node_package("itty-router")
    require_node_package("itty-router-4")
    completed = subprocess.run(
        ["node", "-e", _ITTY], capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False
    )
    assert completed.returncode == 0, completed.stderr
    answers = json.loads(completed.stdout)
    assert answers["Router4"] == {"preflight": None, "post": 201, "origin": "*"}
    assert answers["Router5"] == {"preflight": None, "post": 201, "origin": "*"}
    assert answers["AutoRouter5"] == {"preflight": 404, "post": 201, "origin": "*"}

    project = FIXTURES / "itty_router" / "route_table_without_options"
    by_line = {p.location.line: p for p in policies_linted_inside(project, "itty_router_route_headers")}
    post = by_line[8]  # addNote.js: registered with `.post(...)`
    ends = [value.raw for name, value in post.options.items() if name.startswith("end")]
    assert [(end["status"].raw, [a.raw for a in end["when"].raw]) for end in ends] == [
        (201, ["METHOD:POST"]),
        (500, ["!METHOD:OPTIONS,POST"]),
        (500, ["METHOD:OPTIONS"]),  # no Response from `Router().handle`: no ok status
    ]
    get = by_line[5]  # listNotes.js: no `request` parameter, registered with `.get(...)`
    assert [a.raw for a in get.options["end"].raw["when"].raw] == ["METHOD:GET,HEAD"]


def test_sveltekit_endpoint_without_options_export_is_answered_405() -> None:
    """The model of tests/fixtures/sveltekit/endpoint_json_without_options_export: each
    export answers its method with `json(...)`'s headers; OPTIONS gets SvelteKit's 405 (the
    status `method_not_allowed` gives in the test above)."""
    project = FIXTURES / "sveltekit" / "endpoint_json_without_options_export"
    policy = sole_policy_inside(project, "sveltekit_endpoint_headers")
    ends = [value.raw for name, value in policy.options.items() if name.startswith("end")]
    assert [(end["status"].raw, [a.raw for a in end["when"].raw]) for end in ends] == [
        (200, ["METHOD:GET,HEAD"]),
        (201, ["METHOD:POST"]),
        (405, ["METHOD:OPTIONS"]),
    ]
