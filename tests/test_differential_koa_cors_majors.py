"""Differential truth: corslint's @koa/cors model, per recorded major, against that major.

@koa/cors 5.0 made `*` the default `origin`; 3.x and 4.x reflect the request's Origin when
the option is unset, and 3.x answers a request without Origin with `Vary: Origin` only. The
policies below carry the major the extractor records (`$version`) and are replayed on the
real package of that major (tests/node/package.json: `koa-cors-3` is 3.4.3, `koa-cors-4`
4.0.0, `@koa/cors` 5.0.0), mounted by tests/node/harness.js ("koa-cors" cases with
"package"). The fixture projects that pin 3.x or 4.x are replayed too.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.package_majors import VERSION_OPTION, recorded_major
from corslint.model import CorsPolicy, Location, OriginFunction, Value
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    option_cases,
    replay_mismatches,
    require_node_package,
    run_harness,
)

HERE = Location.point("synthetic.js", 1)
PACKAGES = {3: "koa-cors-3", 4: "koa-cors-4", 5: "@koa/cors"}


def synthetic(major: int, **options: Any) -> CorsPolicy:
    return synthetic_policy("koa_cors", HERE, {**options, VERSION_OPTION: major})


def _function(kind: str, *allowed: Any) -> OriginFunction:
    return OriginFunction(kind, tuple(Value(item, HERE) for item in allowed), no_origin="reject")


def _cases(major: int) -> dict[str, CorsPolicy]:
    return {
        f"{major}-defaults": synthetic(major),
        f"{major}-defaults-credentials": synthetic(major, credentials=True, maxAge=600),
        f"{major}-empty-origin": synthetic(major, origin="", allowHeaders=["Content-Type"]),
        f"{major}-star-credentials": synthetic(major, origin="*", credentials=True, exposeHeaders=["X-Id"]),
        f"{major}-fixed": synthetic(major, origin="https://a.example.com", credentials=True),
        f"{major}-function-list": synthetic(
            major, origin=_function("allow-list", "https://a.example.com"), credentials=True
        ),
        f"{major}-function-reflect": synthetic(major, origin=_function("reflect-all")),
    }


SYNTHETIC: dict[str, CorsPolicy] = {name: p for major in PACKAGES for name, p in _cases(major).items()}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = named_fixture_policies(fixture_projects("koa"), {"koa_cors"})
    return [(name, policy) for name, policy, _ in found if recorded_major(policy) in {3, 4}]


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    for package in PACKAGES.values():
        require_node_package(package)
    cases, expected = option_cases(
        "koa-cors",
        [*SYNTHETIC.items(), *fixture_policies()],
        fields_of=lambda policy: {"package": PACKAGES[recorded_major(policy) or 5]},
    )
    return run_harness(cases), expected


def test_each_major_answers_as_modelled(harness_results: tuple[RealAnswers, Expected]) -> None:
    results, expected = harness_results
    mismatches, compared = replay_mismatches(results, expected)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert len([name for name in expected if name not in SYNTHETIC]) >= 2


def test_the_default_origin_differs_by_major() -> None:
    from corslint.frameworks.koa_cors import respond
    from corslint.http import Request

    request = Request("GET", "https://attacker.invalid")
    sent = {
        major: respond(SYNTHETIC[f"{major}-defaults"], request).get("access-control-allow-origin")
        for major in PACKAGES
    }
    assert sent == {3: "https://attacker.invalid", 4: "https://attacker.invalid", 5: "*"}
    without_origin = Request("GET", None)
    assert respond(SYNTHETIC["3-defaults"], without_origin).get("access-control-allow-origin") is None
    assert respond(SYNTHETIC["4-defaults"], without_origin).get("access-control-allow-origin") == ""
