"""Differential truth for registrations split over setup functions that the app factory calls
(fixtures express/setup_functions_called_cors_first and ..._routes_first, after
egomez-2021272/DebuggersEats; blind set 23): `routes(app)` is defined before
`middlewares(app)`, whose `app.use(cors(...))` covers the routes only when the factory calls
`middlewares(app)` first. The real express 4 + cors 2.8 app decides: CORS headers on the
routes' answers in the first, none in the second (CORS303 there only)."""

from __future__ import annotations

from typing import Any

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
MENU = "https://menu.example.com"


def _allow_origin(fixture: str) -> list[str]:
    for needed in ("express", "cors"):
        require_node_package(needed)
    (answer,) = entry_answers(EXPRESS / fixture, "index.js", [Request("GET", MENU, path="/menu/v1/dishes")])
    assert answer["status"] == 200, answer
    headers: list[list[Any]] = answer["headers"]
    return [value for key, value in headers if key.lower() == "access-control-allow-origin"]


def test_cors_set_up_first_covers_the_routes_defined_before_it() -> None:
    assert _allow_origin("setup_functions_called_cors_first") == [MENU]
    assert not run_lint(EXPRESS / "setup_functions_called_cors_first").findings


def test_routes_set_up_first_answer_without_cors_headers() -> None:
    assert _allow_origin("setup_functions_called_routes_first") == []
    findings = run_lint(EXPRESS / "setup_functions_called_routes_first").findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS303", 15)]
    assert "GET `${BASE_PATH}/dishes` at line 10" in findings[0].message
