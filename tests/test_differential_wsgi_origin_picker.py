"""Differential truth for WSGI origin pickers (isso's `origin(hosts)` shape): a function
handed the environ that returns the listed origin equal to the request's Origin, else the
first one. Fixtures python_headers/wsgi_origin_picker_*: each fixture's own middleware is
called as a WSGI server calls it (checked by `wsgiref.validate`); where the list is
literal, the probe battery is replayed against it and corslint's model."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers
from tests.test_differential_wsgi_middleware import call

FIXTURES_HERE = FIXTURES / "python_headers"


@contextmanager
def imported(project: Path, name: str) -> Iterator[ModuleType]:
    sys.path.insert(0, str(project))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(project))
        for loaded in [m for m in sys.modules if m.split(".")[0] == name.split(".")[0]]:
            del sys.modules[loaded]


def only_policy(project: Path) -> CorsPolicy:
    (policy,) = run_lint(project).policies
    assert policy.framework == "wsgi_headers"
    return policy


@pytest.mark.parametrize(
    ("fixture", "module", "app_name"),
    [
        ("wsgi_origin_picker_method_vary_clean", "kiosk.wsgi", "application"),
        ("wsgi_origin_picker_literal_no_vary", "board.wsgi", "application"),
    ],
)
def test_model_matches_the_middleware(fixture: str, module: str, app_name: str) -> None:
    project = FIXTURES_HERE / fixture
    policy = only_policy(project)
    compared = 0
    with imported(project, module) as loaded:
        app = getattr(loaded, app_name)
        for request in battery(policy):
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                assert request.method == "OPTIONS" and fixture.endswith("no_vary")  # the wrapped app answers
                continue
            status, lines = call(app, request)
            where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
            if predicted.status is not None:
                assert status == predicted.status, where
            assert cors_headers(lines) == cors_headers(list(predicted.headers)), where
            compared += 1
    assert compared >= 10


def test_configured_picker_varies_with_the_origin_without_vary() -> None:
    """What CORS107 says of wsgi_origin_picker_factory, for a two-site configuration."""
    project = FIXTURES_HERE / "wsgi_origin_picker_factory"
    sites = ["https://blog.one.example", "https://news.two.example"]
    with imported(project, "feedback.app") as loaded:
        app = loaded.build(sites)
        answers = {
            origin: dict(call(app, Request("GET", origin, path="/"))[1])
            for origin in (*sites, "https://attacker.invalid", None)
        }
    assert {o: a.get("Access-Control-Allow-Origin") for o, a in answers.items()} == {
        sites[0]: sites[0],
        sites[1]: sites[1],
        "https://attacker.invalid": sites[0],
        None: sites[0],
    }
    assert all("Vary" not in answer for answer in answers.values())
    assert all(answer["Access-Control-Allow-Credentials"] == "true" for answer in answers.values())
