"""Differential truth for CloudFront Functions and Lambda@Edge response triggers
(extractors/express/cloudfront_functions.py; census 8 row B2, aws-samples/
amazon-cloudfront-functions `add-cors-header/index.js`).

CloudFront itself does not run here: each fixture's function runs in Node on the event
CloudFront hands it (the documented event structures: a CloudFront Functions viewer-response
event, `{request: {method, headers: {origin: {value}}}, response: {statusCode, headers}}`;
a Lambda@Edge origin-response event, `{Records: [{cf: {request, response}}]}` with
`[{key, value}]` headers), on a plain Node server (tests/node/harness.js, a "node" case),
and the headers of the response it returns are written back. The origin's own response
carries no CORS headers, the case the functions are written for. corslint's policy must
answer the probe battery as the function does; OPTIONS requests, whose answer is the
origin's, are left unresolved by the model and not compared."""

from __future__ import annotations

from pathlib import Path

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

SERVERLESS = FIXTURES / "serverless"
ORIGINS = (
    "https://docs.lantern.example",
    "https://partner.example.net",
    "null",
    "http://localhost:3000",
    None,
)
FRAMEWORK = "cloudfront_function_headers"
SOURCE = """(req, res) => {
  const write = (out) => {
    const flat = {};
    for (const [name, header] of Object.entries(out.headers || {})) {
      flat[name] = Array.isArray(header) ? header.map((item) => item.value) : header.value;
    }
    res.writeHead(Number(out.statusCode || out.status), flat);
    res.end();
  };
  if (EDGE) {
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = [{ key: name, value }];
    const cf = {
      config: { eventType: 'origin-response' },
      request: { method: req.method, uri: req.url, querystring: '', headers },
      response: { status: '200', statusDescription: 'OK', headers: {} },
    };
    handler({ Records: [{ cf }] }, {}, (error, out) => write(out));
    return;
  }
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = { value };
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-response' },
    viewer: { ip: '198.51.100.7' },
    request: { method: req.method, uri: req.url, querystring: {}, headers, cookies: {} },
    response: { statusCode: 200, statusDescription: 'OK', headers: {}, cookies: {} },
  };
  Promise.resolve(handler(event)).then(write);
}"""
CASES = (
    ("cloudfront_function_echo_origin", "add-cors.js", False),
    ("cloudfront_function_fixed_origin_clean", "fonts-cors.js", False),
    ("lambda_edge_echo_origin_credentials", "index.js", True),
)


def _case(project: Path, file: str, edge: bool, requests: list[object]) -> dict[str, object]:
    text = (project / file).read_text("utf-8")
    if edge:
        assert text.count("exports.handler = ") == 1
        text = text.replace("exports.handler = ", "const handler = ")
    return {
        "kind": "node",
        "name": project.name,
        "preamble": f"const EDGE = {'true' if edge else 'false'};\n{text}",
        "source": SOURCE,
        "requests": [wire(request) for request in requests],  # type: ignore[arg-type]
    }


def test_edge_functions_answer_as_the_model_says() -> None:
    require_node_package("express")
    cases, expected = [], {}
    for name, file, edge in CASES:
        project = SERVERLESS / name
        (policy,) = policies_linted_inside(project, FRAMEWORK)
        requests = list(battery(policy)) + [
            Request(method, origin, path="/tiles/3/4/2.png")
            for method in ("GET", "HEAD", "POST", "PUT", "DELETE")
            for origin in ORIGINS
        ]
        cases.append(_case(project, file, edge, requests))
        expected[project.name] = (policy, requests)
    real = run_harness(cases)
    for name, (policy, requests) in expected.items():
        mismatches, compared = compare_answers(policy, requests, real[name])
        assert not mismatches, f"{name}:\n" + "\n".join(mismatches[:20])
        assert compared > 20, (name, compared)
