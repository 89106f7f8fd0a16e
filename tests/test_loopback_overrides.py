"""LoopBack 3's middleware.local.json / middleware.development.json merged over
middleware.json (extractors/config_files/loopback_overrides.py).

The expected merges are what loopback-boot 3.3.1 itself builds (`plugins/middleware.js`
`loadNamed(dir, env, 'middleware')`, run on each fixture's server folder for env
"development" and "production"; loopback-boot is not in tests/node, so its answers are
written here): the development file's keys replace or merge into the main entry's, the
local file applies in every environment, arrays merge element by element and only at equal
length (boot throws otherwise), an object over a string throws.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.extractors.config_files.loopback_overrides import (
    DEVELOPMENT_RUN,
    OTHER_RUN,
    merged_value,
)
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, policies_linted_inside

HERE = Location.point("middleware.json", 1)
EXPRESS = FIXTURES / "express"

# loopback-boot 3.3.1's merged `initial.cors.params`, per environment
BOOTED: dict[str, dict[str, dict[str, Any]]] = {
    "loopback_middleware_development_json_override": {
        "development": {
            "origin": True,
            "credentials": True,
            "methods": ["GET", "HEAD", "POST", "PUT", "DELETE"],
        },
        "production": {"origin": "*"},
    },
    "loopback_middleware_local_json_merged": {
        "development": {
            "origin": ["https://greenhouse.example.org", "http://greenhouse-kiosk.example.org"],
            "credentials": True,
            "maxAge": 86400,
        },
    },
}


def _value(raw: Any) -> Value:
    if isinstance(raw, dict):
        return Value({key: _value(item) for key, item in raw.items()}, HERE)
    if isinstance(raw, list):
        return Value(tuple(_value(item) for item in raw), HERE)
    return Value(raw, HERE)


def _condition(policy: CorsPolicy) -> str | None:
    return next((e.detail for e in policy.evidence if e.kind == "enabled-when"), None)


@pytest.mark.parametrize("project", sorted(BOOTED))
def test_policies_hold_what_loopback_boot_merges(project: str) -> None:
    policies = policies_linted_inside(EXPRESS / project, "express")
    by_condition = {_condition(policy): policy for policy in policies}
    expected = BOOTED[project]
    if "production" in expected:
        assert set(by_condition) == {DEVELOPMENT_RUN, OTHER_RUN}
        cases = {DEVELOPMENT_RUN: expected["development"], OTHER_RUN: expected["production"]}
    else:  # the local file: every environment, one policy
        assert set(by_condition) == {None}
        cases = {None: expected["development"]}
    for condition, params in cases.items():
        assert {name: value.plain() for name, value in by_condition[condition].options.items()} == {
            name: tuple(raw) if isinstance(raw, list) else raw for name, raw in params.items()
        }


@pytest.mark.parametrize(
    ("old", "new", "merged"),
    [
        ({"origin": "*"}, {"origin": True, "credentials": True}, {"origin": True, "credentials": True}),
        ({"origin": ["a", "b"]}, {"origin": ["a", "c"]}, {"origin": ["a", "c"]}),
        ({"methods": ["GET", "HEAD", "POST"]}, {"methods": ["GET", "HEAD", "POST", "PUT"]}, None),
        ({"origin": "*"}, {"origin": {"x": 1}}, None),
        ({"origin": "*"}, {"credentials": None}, {"origin": "*", "credentials": None}),
        ({"params": {"origin": "*"}}, {"params": None}, {"params": None}),
    ],
)
def test_merges_as_loopback_boot_does(old: dict[str, Any], new: dict[str, Any], merged: Any) -> None:
    found = merged_value(_value(old), _value(new))
    assert (found.plain() if found is not None else None) == (
        None if merged is None else {k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()}
    )
