"""Differential truth for a Lambda/Netlify handler answering through several `return`s,
each spelling out its own `Access-Control-Allow-Origin` (tests/fixtures/serverless/
lambda_error_returns_same_origin; find_string `statusCode: 500, headers: { 'Access-Control-Allow`:
10 of 10 hits are such handlers).

The handler runs on a plain Node server (tests/node/harness.js, a "node" case), each request
turned into an event and its result written back, as API Gateway's proxy integration and
Netlify send it. corslint judges the success answer (the probe battery, with the station
the handler needs) and reports every return writing the same Allow-Origin: each of those
returns, reached by the request that takes its branch, must really send the value the
finding names."""

from __future__ import annotations

import importlib.util
import json

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "serverless" / "lambda_error_returns_same_origin"
FUNCTION = PROJECT / "netlify" / "functions" / "tides.js"
APP = "https://charts.harbour.example"
# `station` None: the harness supplies the station the success return needs
LAMBDA = """(req, res) => {
  const headers = { ...req.headers };
  if (STATION !== null && headers['x-station'] === undefined) headers['x-station'] = STATION;
  const event = { httpMethod: req.method, headers, path: req.url };
  Promise.resolve(handler(event)).then((result) => {
    res.writeHead(result.statusCode, result.headers || {});
    res.end(result.body || "");
  });
}"""


def _case(name: str, station: str | None, requests: list[Request]) -> dict[str, object]:
    text = FUNCTION.read_text("utf-8")
    assert text.count("exports.handler = ") == 1
    preamble = f"const STATION = {'null' if station is None else repr(station)};\n"
    return {
        "kind": "node",
        "name": name,
        "preamble": preamble + text.replace("exports.handler = ", "const handler = "),
        "source": LAMBDA,
        "requests": [wire(request) for request in requests],
    }


def test_success_answer_matches_the_model() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "lambda_headers")
    requests = list(battery(policy))
    real = run_harness([_case("success", "bergen", requests)])["success"]
    mismatches, compared = compare_answers(policy, requests, real, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25


def test_every_reported_return_sends_the_named_origin() -> None:
    """The 400 (no station), the 200 and the 404 (unknown station) each reach their own
    `return`, whose line corslint reports: each sends `Access-Control-Allow-Origin: *`."""
    require_node_package("express")
    lines = FUNCTION.read_text("utf-8").splitlines()
    findings = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS105"]
    reported = {f.location.line for f in findings}
    returns = {
        status: next(n for n, line in enumerate(lines, 1) if f"statusCode: {status}" in line)
        for status in (204, 400, 200, 404)
    }
    # each return's Allow-Origin is on its `statusCode` line or within the next two
    for status, line in returns.items():
        assert any(line <= where <= line + 3 for where in reported), (status, line, reported)
    assert len(reported) == 4
    assert all("`Access-Control-Allow-Origin: *`" in f.message for f in findings)
    cases = [
        _case("missing", "", [Request("POST", APP, path="/")]),
        _case("known", "bergen", [Request("GET", APP, path="/")]),
        _case("unknown", "atlantis", [Request("GET", APP, path="/")]),
        _case("preflight", "bergen", [Request("OPTIONS", APP, (("access-control-request-method", "POST"),))]),
    ]
    real = run_harness(cases)
    for name, status in (("missing", 400), ("known", 200), ("unknown", 404), ("preflight", 204)):
        (answer,) = real[name]
        assert answer["status"] == status, (name, answer)
        origin = [v for k, v in answer["headers"] if k.lower() == "access-control-allow-origin"]
        assert origin == ["*"], (name, answer)


PYTHON = FIXTURES / "python_headers" / "lambda_error_returns_same_origin"


def test_python_handler_returns_send_the_named_origin() -> None:
    """The same for a Python handler (tests/fixtures/python_headers/
    lambda_error_returns_same_origin), called as the Lambda runtime calls it: each return
    corslint reports, reached by its own event, sends `Access-Control-Allow-Origin: *`."""
    spec = importlib.util.spec_from_file_location("ferry_handler", PYTHON / "handler.py")
    assert spec is not None and spec.loader is not None
    handler = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(handler)
    findings = [f for f in run_lint(PYTHON).findings if f.rule_id == "CORS105"]
    reported = {f.location.line for f in findings}
    lines = (PYTHON / "handler.py").read_text("utf-8").splitlines()
    events = {
        204: {"httpMethod": "OPTIONS", "body": None},
        400: {"httpMethod": "POST", "body": "not json"},
        404: {"httpMethod": "POST", "body": json.dumps({"route": "tromso-svalbard"})},
        200: {"httpMethod": "POST", "body": json.dumps({"route": "oslo-kiel"})},
    }
    for status, event in events.items():
        result = handler.lookup(event, None)
        assert result["statusCode"] == status
        assert result["headers"]["Access-Control-Allow-Origin"] == "*"
        line = next(n for n, text in enumerate(lines, 1) if f'"statusCode": {status}' in text)
        assert any(line <= where <= line + 3 for where in reported), (status, line, reported)
    assert len(reported) == 4


PROMISE = FIXTURES / "serverless" / "lambda_promise_resolve_credentials"
PROMISE_LAMBDA = """(req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const event = { httpMethod: req.method, headers: req.headers, queryStringParameters: Object.fromEntries(url.searchParams) };
  Promise.resolve(handler(event)).then((result) => {
    res.writeHead(result.statusCode, result.headers || {});
    res.end(result.body || "");
  });
}"""


def test_promise_resolved_results_answer_as_the_handler_does() -> None:
    """A handler returning `new Promise((resolve) => ...)` answers with what it resolves
    (tests/fixtures/serverless/lambda_promise_resolve_credentials): the success answer is the
    model's, and the 404 branch's `resolve`, reported too, sends the same Allow-Origin."""
    require_node_package("express")
    (policy,) = policies_linted_inside(PROMISE, "lambda_headers")
    text = (PROMISE / "stock.js").read_text("utf-8")
    assert text.count("module.exports.handler = ") == 1
    preamble = text.replace("module.exports.handler = ", "const handler = ")
    requests = [request for request in battery(policy) if request.method != "OPTIONS"] + [
        Request(method, origin, path="/")
        for method in ("GET", "POST", "PUT", "DELETE")
        for origin in (APP, "https://elsewhere.example", "null", None)
    ]
    unknown = [Request("GET", APP, path="/?sku=tea-assam"), Request("POST", APP, path="/?sku=oolong")]
    case = {
        "kind": "node",
        "name": "promise",
        "preamble": preamble,
        "source": PROMISE_LAMBDA,
        "requests": [wire(r) for r in [*requests, *unknown]],
    }
    real = run_harness([case])["promise"]
    mismatches, compared = compare_answers(policy, requests, real[: len(requests)], unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 10
    for answer in real[len(requests) :]:
        assert answer["status"] == 404
        assert [v for k, v in answer["headers"] if k.lower() == "access-control-allow-origin"] == ["*"]
    reported = {f.location.line for f in run_lint(PROMISE).findings if f.rule_id == "CORS105"}
    lines = text.splitlines()
    for status in (404, 200):
        line = next(n for n, t in enumerate(lines, 1) if f"statusCode: {status}" in t)
        assert any(line < where <= line + 3 for where in reported), (status, reported)
