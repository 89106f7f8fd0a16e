"""Differential truth for credentials a deployment switches on: `if (CONFIG.credentials)
res.setHeader("Access-Control-Allow-Credentials", "true")` with `credentials:
process.env.X === "true"` beside `Access-Control-Allow-Origin: *`
(tests/fixtures/serverless/vercel_credentials_env_opt_in; census 7 sample 146,
ButaiAI/line `api/utils/cors.js`). The fixture's helper and route run on a plain Node
server (tests/node/harness.js, a "node" case) with the variable unset, as a deployment
that never sets it does: no credentials header goes out, and corslint's policy must say
the same for the probe battery."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "serverless" / "vercel_credentials_env_opt_in"


def test_unset_credentials_switch_sends_no_credentials() -> None:
    require_node_package("express")
    policy = policies_linted_inside(PROJECT, "node_headers")[0]
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [
        Request("GET", "https://tides.example.org", path="/"),
        Request(
            "OPTIONS", "https://tides.example.org", (("access-control-request-method", "GET"),), path="/"
        ),
    ]
    helper = (PROJECT / "api" / "_lib" / "cors.js").read_text("utf-8")
    route = (PROJECT / "api" / "tides.js").read_text("utf-8")
    assert helper.count("module.exports = { applyCors };") == 1
    assert route.count("module.exports = ") == 1
    case = {
        "kind": "node",
        "name": "optin",
        "preamble": "delete process.env.TIDES_CORS_CREDENTIALS;\n"
        + helper.replace("module.exports = { applyCors };", ""),
        "source": route.split("module.exports = ", 1)[1].rstrip().rstrip(";"),
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["optin"]
    assert all("access-control-allow-credentials" not in answer["headers"] for answer in real_answers)
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 10
