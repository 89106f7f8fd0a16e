"""Differential truth for Nitro / Nuxt `routeRules` headers (framework `nitro_route_rules`).
Each fixture's config file runs in tests/node/nitro_route_rules_harness.mjs: its `routeRules`
normalised as nitropack 2.13.6's `normalizeRouteRules` does for `cors` (written out there:
nitropack does not export it and its runtime does not run outside a Nitro build), matched by
the real radix3, merged by the real defu and set by the real h3 1.15.11 `setHeaders` in the
first layer of an h3 app, as Nitro's route-rules handler does. The answers to the probe
battery on each policy's probe path are compared with the model's; an OPTIONS request the
model leaves to the route behind the path is not compared."""

from __future__ import annotations

import dataclasses

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

H3 = FIXTURES / "h3"
# fixture -> its config file
CASES = {
    "nitro_route_rules_cors_credentials": "nitro.config.ts",
    "nuxt_route_rules_nested_origin": "nuxt.config.ts",
    "nitro_route_rules_fixed_origin_clean": "nitro.config.ts",
}


def test_nitro_route_rules_match_real_radix3_defu_h3() -> None:
    require_node_package("h3")
    require_node_package("radix3")
    require_node_package("defu")
    cases, expected = [], {}
    for fixture, config in CASES.items():
        policies = policies_linted_inside(H3 / fixture, "nitro_route_rules")
        assert policies, fixture
        for index, policy in enumerate(policies):
            path = policy.probe_path or "/"
            requests = [dataclasses.replace(request, path=path) for request in battery(policy)]
            requests.append(Request("GET", None, path=path))
            name = f"{fixture}#{index}"
            text = (H3 / fixture / config).read_text("utf-8")
            cases.append({"name": name, "config": text, "requests": [wire(r) for r in requests]})
            expected[name] = (policy, requests)
    real = run_harness(cases, script="nitro_route_rules_harness.mjs")
    total = 0
    for name, (policy, requests) in expected.items():
        mismatches, compared = compare_answers(policy, requests, real[name])
        assert not mismatches, f"{name}:\n" + "\n".join(mismatches[:20])
        total += compared
    assert total > 40
