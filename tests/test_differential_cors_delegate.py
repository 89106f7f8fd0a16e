"""Differential truth for a `cors` options delegate read arm by arm.

The fixture tests/fixtures/express/cors_delegate_if_arms hands `cors()` a delegate that
completes its options in an `if`/`else`: corslint makes one policy per arm. Here the
fixture's own delegate module runs under the real `cors` package on express
(tests/node/harness.js, a "node" case), and each arm's policy must answer the probe
battery, sent to a path that takes that arm, exactly as the real delegate does.
"""

from __future__ import annotations

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

PROJECT = FIXTURES / "express" / "cors_delegate_if_arms"
# a path that takes each arm of the delegate's `if (isWidgetRequest(req))`
ARM_PATHS = {"if": "/widgets/42", "else": "/products/7"}
APP = """(() => {
  const express = require('express');
  const cors = require('cors');
  const app = express();
  app.use(cors(module.exports.catalogCorsOptions));
  const ok = (req, res) => res.status(200).send('ok');
  for (const verb of ['get', 'post', 'put', 'patch', 'delete']) app[verb](/.*/, ok);
  return app;
})()"""


def _arm_policies() -> dict[str, CorsPolicy]:
    policies = policies_linted_inside(PROJECT, "express")
    return {policy.branch.rsplit("/", 1)[-1].partition("@")[0]: policy for policy in policies}


def test_each_arm_answers_as_the_real_delegate(monkeypatch: pytest.MonkeyPatch) -> None:
    require_node_package("cors")
    # a push under a further condition counts in its arm (the more permissive configuration
    # the arm runs with): the real delegate runs with that condition true
    monkeypatch.setenv("PREVIEW_ORIGIN", "on")
    arms = _arm_policies()
    assert set(arms) == set(ARM_PATHS)
    expected: list[tuple[CorsPolicy, Request]] = []
    for arm, policy in sorted(arms.items()):
        for request in battery(policy):
            expected.append(
                (
                    policy,
                    Request(
                        request.method, request.origin, request.headers, ARM_PATHS[arm], request.credentials
                    ),
                )
            )
    preamble = "const module = { exports: {} };\n" + (PROJECT / "src/cors/options.js").read_text()
    case = {
        "kind": "node",
        "name": "delegate",
        "preamble": preamble,
        "source": APP,
        "requests": [wire(request) for _, request in expected],
    }
    real_answers = run_harness([case])["delegate"]
    mismatches = []
    compared = 0
    for (policy, request), real in zip(expected, real_answers, strict=True):
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            continue
        status = predicted.status if predicted.status is not None else 200
        where = f"{request.path} {request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared == len(expected) > 100
