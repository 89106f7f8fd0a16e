"""@koa/cors 2.x is kcors renamed: a project that installs it runs the kcors model (the
request's Origin reflected by default); 3.0 and later default to `*`. `new Cors()` is a
plain call of the factory."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside


@pytest.mark.parametrize(
    ("project", "framework", "answer"),
    [
        ("koa_cors_v2_constructed_default_reflect", "kcors", "https://attacker.example"),
        ("koa_cors_v5_constructed_default_star", "koa_cors", "*"),
    ],
)
def test_the_installed_major_decides_the_model(project: str, framework: str, answer: str) -> None:
    from corslint.frameworks import framework_of
    from corslint.http import Request

    [policy] = [p for p in policies_linted_inside(FIXTURES / "koa" / project, framework) if not p.route_level]
    response = framework_of(policy).respond(policy, Request("GET", "https://attacker.example", path="/loans"))
    assert response.get("Access-Control-Allow-Origin") == answer
