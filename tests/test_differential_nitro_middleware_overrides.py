"""Differential truth for `nitro_middleware_overrides`: a Nitro route rule's headers that a
server middleware sets on every request the rule covers are replaced (nitropack registers the
route-rules handler before every scanned middleware; h3's `setResponseHeaders` is Node's
`res.setHeader`). The fixture's config and middleware run in tests/node/nitro_route_rules_harness.mjs
(real h3, radix3, defu): a header the model leaves out of a rule's policy must reach the
browser with another value than the rule's, every header it keeps with the rule's value."""

from __future__ import annotations

import dataclasses

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import require_node_package, run_harness, wire

FIXTURE = FIXTURES / "h3" / "nuxt_route_rules_middleware_overrides"
RULE_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "*",
    "access-control-allow-headers": "*",
    "access-control-max-age": "0",
}


def test_route_rule_headers_a_middleware_replaces_are_left_out() -> None:
    require_node_package("h3")
    require_node_package("radix3")
    require_node_package("defu")
    policies = policies_linted_inside(FIXTURE, "nitro_route_rules")
    assert {policy.scope for policy in policies} == {"/api/**", "/feeds/**"}
    middleware = (FIXTURE / "server" / "middleware" / "cors.ts").read_text("utf-8")
    config = (FIXTURE / "nuxt.config.ts").read_text("utf-8")
    cases, kept, sent = [], {}, {}
    for policy in policies:
        path = policy.probe_path
        requests = [dataclasses.replace(r, path=path) for r in battery(policy)]
        requests += [Request("GET", None, path=path), Request("GET", None, path="/api/partners/x")]
        cases.append(
            {
                "name": policy.scope,
                "config": config,
                "middleware": [middleware],
                "requests": [wire(r) for r in requests],
            }
        )
        kept[policy.scope] = {name.lower() for name in policy.options}
        sent[policy.scope] = requests
    assert kept["/api/**"] == {"access-control-max-age"}
    assert kept["/feeds/**"] == set(RULE_HEADERS)
    real = run_harness(cases, script="nitro_route_rules_harness.mjs")
    compared = 0
    for scope, responses in real.items():
        assert len(responses) == len(sent[scope])
        for request, response in zip(sent[scope], responses, strict=True):
            headers: dict[str, str] = {}
            for name, value in response["headers"]:
                assert name.lower() not in headers, (scope, name)  # one line each: nothing mixed
                headers[name.lower()] = value
            on_api = request.path.startswith("/api/")  # the middleware writes there
            rule = "/api/**" if on_api else scope
            for name, value in RULE_HEADERS.items():
                if name in kept[rule]:
                    assert headers.get(name) == value, (scope, name, headers)
                else:
                    assert headers.get(name) != value, (scope, name, headers)
                compared += 1
    assert compared > 40
