"""Differential truth for an `origin` list extended by a push under an environment test
(`if (onStaging) list.push(...)`, dolphin-admin/nest-api; extractors.express.
pushed_list_variants): the fixture's own server runs under the real `cors` package on
express (tests/node/harness.js) with DEPLOY_STAGE unset against the deployed variant, and
with DEPLOY_STAGE=staging against the other arm's; both must answer the probe battery as
the server does."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import require_node_package
from tests.test_differential_unset_stage import _compare

_PRODUCTION = 'process.env.NODE_ENV = "production";\n'


@pytest.mark.parametrize(
    ("name", "variable", "value", "listed"),
    [
        ("origin_list_push_under_stage_test", "DEPLOY_STAGE", "staging", 2),
        # also a plain push and a NODE_ENV-guarded one (skipped in production) before it
        ("origin_list_filled_by_pushes", "PARTNER_ACCESS", "on", 3),
    ],
)
def test_each_arm_of_the_push_answers_as_the_server(
    name: str, variable: str, value: str, listed: int
) -> None:
    require_node_package("cors")
    policies = policies_linted_inside(FIXTURES / "express" / name, "express")
    by_arm = {policy.branch.partition("@")[0]: policy for policy in policies}
    assert set(by_arm) == {"if", "else"}
    assert len(by_arm["if"].options["origin"].raw) == listed  # the list with the pushed entry
    _compare(name, "server.js", by_arm["else"], f"{_PRODUCTION}delete process.env.{variable};\n")
    _compare(name, "server.js", by_arm["if"], f'{_PRODUCTION}process.env.{variable} = "{value}";\n')
