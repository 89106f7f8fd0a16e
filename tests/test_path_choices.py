"""Tests on the requested path (python_headers/path_choices.py): the requester picks the
path, so the arm that sends CORS headers is judged whatever the operator's list of paths
holds; a test that also reads something else of the request, an operator's switch on its
own, or a function handed the path stays undecided (CORS305)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint

LAYER = """\
import os

from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware

SHARED = os.environ["SHARED_PATHS"].split(",")
OPEN_MODE = os.environ["OPEN_MODE"]


def is_shared(path):
    return path in SHARED


class Share(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        path = request.url.path
        response = await call_next(request)
        if {test}:
            response.headers["Access-Control-Allow-Origin"] = request.headers.get("origin", "")
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Vary"] = "Origin"
        return response


app = Starlette()
app.add_middleware(Share)
"""


def rules(tmp_path: Path, test: str) -> list[str]:
    (tmp_path / "app.py").write_text(LAYER.format(test=test))
    return sorted({f.rule_id for f in run_lint(tmp_path).findings})


def test_a_prefix_from_the_operators_list_is_the_requesters_choice(tmp_path: Path) -> None:
    test = "any(path.startswith(p) for p in SHARED) or request.url.path.endswith('.json')"
    assert "CORS101" in rules(tmp_path, test)
    assert "CORS305" not in rules(tmp_path, test)


def test_membership_of_the_path_is_the_requesters_choice(tmp_path: Path) -> None:
    assert "CORS101" in rules(tmp_path, "request.url.path in SHARED")


def test_a_path_test_beside_an_operator_switch_keeps_the_switch_undecided(tmp_path: Path) -> None:
    assert rules(tmp_path, "OPEN_MODE and path in SHARED") == ["CORS305"]


def test_a_path_test_beside_the_origin_stays_undecided(tmp_path: Path) -> None:
    found = rules(tmp_path, "path in SHARED and request.headers.get('origin', '').endswith('.example')")
    assert "CORS101" not in found


def test_a_function_handed_the_path_stays_undecided(tmp_path: Path) -> None:
    assert rules(tmp_path, "is_shared(path)") == ["CORS305"]
