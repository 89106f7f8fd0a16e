"""Differential truth for a Node http handler whose headers a helper fills into the object
it is given and returns (`const corsHeaders = allowCrossSite({}, req)` at the top of the
handler, then `res.writeHead(status, [message,] corsHeaders)` by every answer; the
cors-anywhere shape, extractors.express.imported_response_helpers): the fixture's handler
runs on node:http, and every answer the model gives must be what it sends."""

from __future__ import annotations

from corslint.browser import PageRequest
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import compare_answers, run_harness, wire

_NAME = "node_proxy_filled_headers_record"
_ORIGINS = ("https://evil.example", "https://editor.example.org")
_PATH = "/thumb?src=https%3A%2F%2Fimg.example%2Fa.png"


def test_filled_record_answers_as_node_http() -> None:
    project = FIXTURES / "express" / _NAME
    (policy,) = policies_linted_inside(project, "node_headers")
    requests: list[Request] = []
    for origin in _ORIGINS:
        page = PageRequest(origin, "PUT", (("content-type", "application/json"),), path=_PATH)
        requests += [page.preflight(), page.actual(), PageRequest(origin, "GET", path=_PATH).actual()]
    source = (project / "relay.js").read_text("utf-8")
    preamble = source.replace('const http = require("http");', "").split("http.createServer")[0]
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": preamble,
        "source": "handle",
        "requests": [wire(request) for request in requests],
    }
    real = run_harness([case])[_NAME]
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(requests)
