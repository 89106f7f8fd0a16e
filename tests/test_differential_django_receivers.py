"""A django-cors-headers `check_request_enabled` receiver that admits requests by their
path, whatever their Origin: the policy corslint builds for it, replayed against the real
`CorsMiddleware` with the fixture's own receiver connected and its settings applied.
corslint only reads the files; the test runs them."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.django_cors import RECEIVER_OPTION, respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django
from tests.probe_battery import battery, cors_headers

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django(__name__)

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from corsheaders.signals import check_request_enabled  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

urlpatterns: list[object] = []
PROJECT = FIXTURES / "django" / "signal_receiver_opens_paths"
FACTORY = RequestFactory()


def _view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"view")


def _settings(path: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return {k: v for k, v in namespace.items() if k.startswith("CORS_")}


def _receiver(path: Path) -> Any:
    source = path.read_text()
    tree = ast.parse(source)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module([function], []), str(path), "exec"), namespace)
    return namespace[function.name]


def _send(request: Request) -> HttpResponse:
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in request.headers}
    if request.origin is not None:
        meta["HTTP_ORIGIN"] = request.origin
    response = CorsMiddleware(_view)(FACTORY.generic(request.method, request.path, **meta))
    assert isinstance(response, HttpResponse)
    return response


def test_receiver_policy_answers_as_the_real_middleware() -> None:
    (policy,) = [p for p in policies_linted_inside(PROJECT, "django") if RECEIVER_OPTION in p.options]
    assert policy.location.path.endswith("openapi/receivers.py") and policy.location.line == 7
    receiver = _receiver(PROJECT / "openapi" / "receivers.py")
    check_request_enabled.connect(receiver)
    try:
        with override_settings(**_settings(PROJECT / "ledger" / "settings.py")):
            requests = [
                *battery(policy),
                Request("GET", "https://attacker.invalid", path="/partners/report"),
                Request(
                    "OPTIONS", "https://x.test", (("access-control-request-method", "PUT"),), path="/public/"
                ),
            ]
            for request in requests:
                real = cors_headers(list(_send(request).items()))
                assert cors_headers(list(respond(policy, request).headers)) == real, request
            attacker = _send(Request("GET", "https://attacker.invalid", path="/public/v1/balances"))
            assert attacker["Access-Control-Allow-Origin"] == "https://attacker.invalid"
            assert attacker["Access-Control-Allow-Credentials"] == "true"
    finally:
        check_request_enabled.disconnect(receiver)


def test_a_receiver_admitting_every_request_is_a_policy(tmp_path: Path) -> None:
    from corslint.extractors.context import ProjectContext
    from corslint.extractors.django.extractor import extract

    source = (
        "from corsheaders.signals import check_request_enabled\n"
        "from django.dispatch import receiver\n\n\n"
        "@receiver(check_request_enabled)\n"
        "def allow_everyone(sender, request, **kwargs):\n"
        "    return True\n"
    )
    (tmp_path / "handlers.py").write_text(source)
    extraction = extract(str(tmp_path / "handlers.py"), source, ProjectContext())
    assert extraction.diagnostics == ()
    (policy,) = extraction.policies
    assert policy.location.line == 7 and policy.scope == ""
    answer = respond(policy, Request("GET", "https://attacker.invalid", path="/anything"))
    assert cors_headers(list(answer.headers))["access-control-allow-origin"] == "https://attacker.invalid"
