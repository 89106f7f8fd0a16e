"""Raw WSGI CORS middleware that reads the Origin in `__call__`, before the `start_response`
wrapper it defines, and answers OPTIONS through that wrapper with a header list of its own
(fixture python_headers/wsgi_closure_origin_and_options_list): the wrapper closes over the
Origin read, and the preflight answer carries the listed Allow-Methods/Allow-Headers plus
the wrapper's headers. The middleware is called as a WSGI server calls it (checked by
`wsgiref.validate`), the probe battery replayed against it and corslint's model."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers
from tests.test_differential_wsgi_middleware import call

PROJECT = FIXTURES / "python_headers" / "wsgi_closure_origin_and_options_list"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    # other fixtures have packages of the same names: none may be imported already
    for name in [n for n in sys.modules if n.partition(".")[0] == "album"]:
        del sys.modules[name]
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "album"]:
        del sys.modules[name]


def test_model_matches_the_middleware(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = run_lint(PROJECT).policies
    assert policy.framework == "wsgi_headers"
    monkeypatch.syspath_prepend(str(PROJECT))
    application = importlib.import_module("album.wsgi").application
    requests = [
        *battery(policy),
        Request("GET", "https://album.example.net", (("cookie", "session=1"),)),
        Request(
            "OPTIONS",
            "http://album-box.lan:8080",
            (
                ("access-control-request-method", "DELETE"),
                ("access-control-request-headers", "authorization"),
            ),
        ),
    ]
    for request in requests:
        predicted = respond(policy, request)
        status, lines = call(application, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        if predicted.status is not None:
            assert status == predicted.status, where
        assert cors_headers(lines) == cors_headers(list(predicted.headers)), where
    assert len(requests) >= 20


def test_the_preflight_answer_carries_the_listed_headers() -> None:
    (policy,) = run_lint(PROJECT).policies
    answer = respond(
        policy,
        Request(
            "OPTIONS",
            "https://album.example.net",
            (
                ("access-control-request-method", "DELETE"),
                ("access-control-request-headers", "authorization"),
            ),
        ),
    )
    headers = dict(answer.headers)
    assert headers["access-control-allow-methods"] == "GET, POST, DELETE"
    assert headers["access-control-allow-origin"] == "https://album.example.net"
