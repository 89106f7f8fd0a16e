"""Two helpers in one module, each installing an `after_request` hook on the app it is
handed (`open_to_everyone(catalog)`, `open_to_payment_partner(checkout)`; fixture
python_headers/flask_hook_installers_on_separate_apps): each hook is a layer of its own
app, not one layer over "app". The real apps (Flask's test client) answer every probe of
the battery as corslint's model of each answers."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

PROJECT = FIXTURES / "python_headers" / "flask_hook_installers_on_separate_apps"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    # other fixtures have packages of the same names: none may be imported already
    for name in [n for n in sys.modules if n.partition(".")[0] == "shop"]:
        del sys.modules[name]
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "shop"]:
        del sys.modules[name]


@pytest.mark.parametrize(
    ("app_name", "hook_line", "path"), [("catalog", 12, "/products"), ("checkout", 22, "/basket")]
)
def test_each_hook_is_its_own_apps_layer(
    monkeypatch: pytest.MonkeyPatch, app_name: str, hook_line: int, path: str
) -> None:
    policies = [p for p in run_lint(PROJECT).policies if p.framework == "flask_headers"]
    assert len(policies) == 2
    (policy,) = [p for p in policies if p.location.line == hook_line]
    monkeypatch.syspath_prepend(str(PROJECT))
    client = importlib.import_module("shop.apps").__dict__[app_name].test_client()
    compared = 0
    for request in [*battery(policy), Request("GET", "https://pay.partner.example", path=path)]:
        request = Request(request.method, request.origin, request.headers, path=path)
        predicted = respond(policy, request)
        headers = {"Origin": request.origin} if request.origin is not None else {}
        headers.update({name: value for name, value in request.headers if name != "cookie"})
        real = client.open(path, method=request.method, headers=headers)
        where = f"{app_name} {request.method} Origin={request.origin} {dict(request.headers)}"
        assert cors_headers(list(real.headers.items())) == cors_headers(list(predicted.headers)), where
        compared += 1
    assert compared >= 10


def test_no_finding_mixes_the_two_hooks() -> None:
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert found == [("CORS105", 12)]
