"""Differential truth for a route-handler wrapper that copies a header record onto the
wrapped handler's response: `withCors(handler)` returning `async (request) => { if (OPTIONS)
return NextResponse.json({}, { headers }); const response = await handler(request);
Object.entries(corsHeaders(request)).forEach(([k, v]) => response.headers.set(k, v)); return
response; }` (tests/fixtures/nextjs/route_with_cors_wrapper_copies_record; seen in census 6
sample 186, 2bfoundrydev/GTS_framework `utils/cors.ts`).

The fixture's wrapper runs in Node with the platform's own Fetch `Request`/`Response`
(`NextResponse.json` is `Response.json`, as in Next's server runtime), wrapping a handler
that answers 200, on a plain Node server (tests/node/harness.js, a "node" case). corslint's
policy must answer the probe battery, with the listed origins added, as it does."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "nextjs" / "route_with_cors_wrapper_copies_record"
LISTED = ("https://rates.example.org", "https://admin.example.org", "http://localhost:3000")
# the wrapper module as a script: Next's NextResponse.json is the Fetch Response.json
SHIM = "const NextResponse = { json: (body, init) => Response.json(body, init) };\n"
SOURCE = """(req, res) => {
  const request = new Request('http://localhost' + req.url, { method: req.method, headers: req.headers });
  const route = withCors(async () => Response.json({ rates: {} }));
  route(request).then((response) => {
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end();
  });
}"""


def test_wrapper_copies_its_record_onto_the_wrapped_response() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "fetch_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in LISTED:
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),), path="/"),
        ]
    text = (PROJECT / "lib" / "cors.js").read_text("utf-8")
    module = text.replace("import { NextResponse } from 'next/server';", SHIM).replace(
        "export function", "function"
    )
    case = {
        "kind": "node",
        "name": "wrapper",
        "preamble": module,
        "source": SOURCE,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["wrapper"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
