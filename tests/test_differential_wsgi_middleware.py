"""Differential truth for raw WSGI CORS code (fixture python_headers/wsgi_start_response_wrapper:
a `start_response` wrapper that appends Access-Control-* headers, with and without an
OPTIONS branch, and an app passing its own header lists to `start_response`). The fixture's own
middleware wraps the fixture's WSGI apps and is called as a WSGI server calls it, checked
by `wsgiref.validate`; the probe battery is replayed against it and corslint's model."""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.validate import validator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

PROJECT = FIXTURES / "python_headers" / "wsgi_start_response_wrapper"


@contextmanager
def gateway() -> Iterator[Any]:
    sys.path.insert(0, str(PROJECT))
    try:
        apps: dict[str, Any] = dict(vars(importlib.import_module("gateway.wsgi")))
        apps["status_app"] = importlib.import_module("gateway.status_api").status_app
        yield apps
    finally:
        sys.path.remove(str(PROJECT))


def call(app: Callable[..., Any], request: Request) -> tuple[int, list[tuple[str, str]]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": request.path,
        "QUERY_STRING": "",
        "SERVER_NAME": "gateway.internal",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if request.origin is not None:
        environ["HTTP_ORIGIN"] = request.origin
    for name, value in request.headers:
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "CONTENT_LENGTH"} else "HTTP_" + key] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["lines"] = int(status.split()[0]), lines
        return lambda data: None

    body = validator(app)(environ, start_response)
    try:
        b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return answer["status"], answer["lines"]


def policy_in(name: str) -> CorsPolicy:
    (policy,) = [p for p in run_lint(PROJECT).policies if p.location.path.endswith(name)]
    assert policy.framework == "wsgi_headers"
    return policy


@pytest.mark.parametrize(
    ("module", "app_name"),
    [
        ("soap_headers.py", "application"),
        ("partners.py", "partner_application"),
        ("status_api.py", "status_app"),
    ],
)
def test_model_matches_the_middleware(module: str, app_name: str) -> None:
    policy = policy_in(module)
    compared = 0
    with gateway() as apps:
        app = apps[app_name]
        for request in battery(policy):
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                assert request.method == "OPTIONS" and module == "partners.py"  # the wrapped app answers
                continue
            status, lines = call(app, request)
            where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
            if predicted.status is not None:
                assert status == predicted.status, where
            assert cors_headers(lines) == cors_headers(list(predicted.headers)), where
            compared += 1
    assert compared >= 20
