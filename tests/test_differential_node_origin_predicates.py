"""Differential truth for same-file Origin predicates written as a block of statements.

A Vercel helper testing the Origin with `function mayCall(origin) { if (!origin) return
false; if (origin === SITE) return true; return DEVICE.test(origin) ||
listed().includes(origin); }` before echoing it
(tests/fixtures/serverless/vercel_early_return_origin_predicate; seen in census 6 sample 57,
6ummy/retake-web-prototype `api/_cors.js`), and a Netlify function answering preflights
under `if (origin && trustedOrigin(origin))`, the predicate branching on an environment
variable before its literal list (tests/fixtures/serverless/
netlify_preflight_env_branch_predicate; census 6 sample 193, DAX0J/fdgl-2
`netlify/functions/utils/cors.js`).

Each fixture's code runs on a plain Node server (tests/node/harness.js, a "node" case): the
Vercel route as it calls the helper, the Netlify handler with the request turned into an
event and its result written back, the variables unset. corslint's policy must answer the
probe battery, with origins the predicates admit and refuse added, as the code does."""

from __future__ import annotations

from pathlib import Path

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

VERCEL = FIXTURES / "serverless" / "vercel_early_return_origin_predicate"
VERCEL_CLEAN = FIXTURES / "serverless" / "vercel_early_return_origin_predicate_clean"
NETLIFY = FIXTURES / "serverless" / "netlify_preflight_env_branch_predicate"
ROUTE = """(req, res) => {
  res.status = (code) => { res.statusCode = code; return res; };
  if (cors(req, res)) return;
  res.statusCode = 200;
  res.end("ok");
}"""
LAMBDA = """(req, res) => {
  const event = { httpMethod: req.method, headers: req.headers, path: req.url };
  Promise.resolve(handler(event)).then((result) => {
    res.writeHead(result.statusCode, result.headers || {});
    res.end(result.body || "");
  });
}"""
EXTRA = (
    "https://tidepool.example.net",
    "https://clips.example.net",
    "http://localhost:3000",
    "http://192.168.1.20",
    "https://clip-share-pr-12-clipteam.vercel.app",
    "https://clip-share-pr-12.vercel.app",
    "http://localhost:8888",
    "https://fieldnotes.example.net",
    "https://fieldnotes.example.net.attacker.invalid",
)


def _requests(project: Path, framework: str) -> tuple[object, list[Request]]:
    policies = policies_linted_inside(project, framework)
    policy = policies[0]
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in EXTRA:
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),), path="/"),
        ]
    return policy, requests


def _vercel_case(project: Path, name: str, requests: list[Request]) -> dict[str, object]:
    helper = (project / "api" / "_cors.js").read_text("utf-8").replace("export function", "function")
    return {
        "kind": "node",
        "name": name,
        "preamble": helper,
        "source": ROUTE,
        "requests": [wire(r) for r in requests],
    }


def test_early_return_predicate_answers_as_the_helper_does() -> None:
    require_node_package("express")
    for project, name in ((VERCEL, "vercel"), (VERCEL_CLEAN, "clean")):
        policy, requests = _requests(project, "node_headers")
        real_answers = run_harness([_vercel_case(project, name, requests)])[name]
        mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)  # type: ignore[arg-type]
        assert not mismatches, "\n".join(mismatches[:20])
        assert compared > 25


def test_env_branch_predicate_answers_as_the_function_does() -> None:
    require_node_package("express")
    policy, requests = _requests(NETLIFY, "lambda_headers")
    text = (NETLIFY / "netlify" / "functions" / "notes.js").read_text("utf-8")
    assert text.count("exports.handler = ") == 1
    preamble = text.replace("exports.handler = ", "const handler = ")
    case = {
        "kind": "node",
        "name": "netlify",
        "preamble": preamble,
        "source": LAMBDA,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["netlify"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)  # type: ignore[arg-type]
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25


SHARED = FIXTURES / "serverless" / "netlify_shared_preflight_helper"


def test_shared_preflight_helper_answers_only_preflights() -> None:
    """The helper's `if (event.httpMethod === 'OPTIONS')` decides for the function that
    returns its result too: the other methods get the function's own answer, without CORS
    headers (tests/fixtures/serverless/netlify_shared_preflight_helper)."""
    require_node_package("express")
    policy, requests = _requests(SHARED, "lambda_headers")
    helper = (SHARED / "netlify" / "functions" / "lib" / "preflight.js").read_text("utf-8")
    assert helper.count("module.exports = { answerPreflight };") == 1
    function = (SHARED / "netlify" / "functions" / "tides.js").read_text("utf-8")
    handler = function.split("exports.handler = ", 1)[1]
    case = {
        "kind": "node",
        "name": "shared",
        "preamble": helper.replace("module.exports = { answerPreflight };", "")
        + "const handler = "
        + handler,
        "source": LAMBDA,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["shared"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)  # type: ignore[arg-type]
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25


NULL_HELPER = FIXTURES / "serverless" / "vercel_origin_helper_null_in_production"


def test_zero_argument_origin_helper_answers_as_in_production() -> None:
    """A header value returned by a same-file helper of no parameters, `allowedOrigin()`,
    whose early return is decided by an unset variable and whose last return is a NODE_ENV
    ternary (tests/fixtures/serverless/vercel_origin_helper_null_in_production; census 6
    sample 234): run with NODE_ENV=production and CORS_ORIGIN unset, it answers `null`."""
    require_node_package("express")
    (policy,) = policies_linted_inside(NULL_HELPER, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [
        Request("GET", "null", path="/"),
        Request("OPTIONS", "null", (("access-control-request-method", "GET"),), path="/"),
    ]
    text = (NULL_HELPER / "api" / "balance.js").read_text("utf-8")
    helper, handler = text.split("module.exports = ", 1)
    case = {
        "kind": "node",
        "name": "null",
        "preamble": "process.env.NODE_ENV = 'production';\ndelete process.env.CORS_ORIGIN;\n" + helper,
        "source": handler.strip().rstrip(";"),
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["null"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25


JSON_HELPER = FIXTURES / "express" / "node_http_json_helper_status_argument"


def test_status_argument_helper_answers_as_the_server_does() -> None:
    """A same-module helper every handler calls with a literal status, `replyJson(res, 200,
    data)` writing `res.writeHead(code, {..., ACAO: '*'})`
    (tests/fixtures/express/node_http_json_helper_status_argument; census 6 sample 274): read
    at each call with the caller's status, on a plain Node server."""
    require_node_package("express")
    (policy,) = policies_linted_inside(JSON_HELPER, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    # (a GET's status on a path the model does not tell apart is no CORS matter: the paths
    # are read for their DELETE and preflight answers, and GET where it is served)
    requests.append(Request("GET", "https://relay.example.net", path="/subscribers"))
    for path in ("/subscribers", "/subscribers/abc", "/nowhere"):
        requests += [
            Request("DELETE", "https://relay.example.net", path=path),
            Request(
                "OPTIONS",
                "https://relay.example.net",
                (("access-control-request-method", "DELETE"),),
                path=path,
            ),
        ]
    text = (JSON_HELPER / "server.js").read_text("utf-8")
    preamble = text.split("http.createServer(route)", 1)[0]
    case = {
        "kind": "node",
        "name": "json",
        "preamble": preamble,
        "source": "route",
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["json"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20


IN_IF = FIXTURES / "serverless" / "vercel_handle_cors_in_if_test"


def test_preflight_flag_helper_in_if_test_answers_as_the_function_does() -> None:
    """`if (handleCors(req, res)) return;` with a helper that returns true exactly for OPTIONS,
    then `setCors(res, req.headers.origin || '')` (tests/fixtures/serverless/
    vercel_handle_cors_in_if_test; census 6 sample 178): both Vercel functions run on a Node
    server with the helper module."""
    require_node_package("express")
    helper = (IN_IF / "api" / "_lib" / "cors.js").read_text("utf-8")
    preamble = helper.replace("module.exports = { handleCors, setCors };", "")
    for name in ("orders", "_lib/cors"):
        (policy,) = [
            p for p in policies_linted_inside(IN_IF, "node_headers") if p.location.path == f"api/{name}.js"
        ]
        requests = [request for request in battery(policy) if request.origin is not None]
        requests += [
            Request("GET", "https://flowers.example.shop", path="/"),
            Request("OPTIONS", "https://flowers.example.shop", (("access-control-request-method", "PUT"),)),
        ]
        if name == "orders":
            text = (IN_IF / "api" / "orders.js").read_text("utf-8")
            source = text.split("module.exports = ", 1)[1].strip().rstrip(";")
        else:
            source = (
                "(req, res) => { res.status = (code) => { res.statusCode = code; return res; };"
                " if (handleCors(req, res)) return; res.statusCode = 200; res.end('ok'); }"
            )
        source = source.replace(
            "async function handler(req, res) {",
            "async function handler(req, res) {\n  res.status = (code) => { res.statusCode = code; return res; };"
            "\n  res.json = (body) => res.end(JSON.stringify(body));",
        )
        case = {
            "kind": "node",
            "name": name,
            "preamble": preamble,
            "source": source,
            "requests": [wire(r) for r in requests],
        }
        real_answers = run_harness([case])[name]
        mismatches, compared = compare_answers(policy, list(requests), real_answers)
        assert not mismatches, f"{name}: " + "\n".join(mismatches[:20])
        assert compared > 20


LAYER = FIXTURES / "serverless" / "lambda_layer_helper_opt_path"


def test_lambda_layer_helper_answers_as_the_function_does() -> None:
    """A Lambda function requiring its layer by the run-time path
    `require('/opt/nodejs/lib/respond')` (tests/fixtures/serverless/lambda_layer_helper_opt_path;
    census 6 sample 99, 20ns/movierec): the layer module and the function run on a Node server,
    the request turned into an event, the layer's variables unset."""
    require_node_package("express")
    (policy,) = policies_linted_inside(LAYER, "lambda_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in ("https://desk.example.help", "http://localhost:4200"):
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),), path="/"),
        ]
    layer = (LAYER / "layers" / "common" / "nodejs" / "lib" / "respond.js").read_text("utf-8")
    function = (LAYER / "functions" / "tickets" / "index.js").read_text("utf-8")
    assert "require('/opt/nodejs/lib/respond')" in function
    handler = function.split("exports.handler = ", 1)[1]
    case = {
        "kind": "node",
        "name": "layer",
        "preamble": layer.replace("module.exports = { respond };", "") + "const handler = " + handler,
        "source": LAMBDA,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["layer"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
