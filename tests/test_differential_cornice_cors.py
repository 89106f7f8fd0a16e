"""Differential truth: corslint's Cornice service CORS model against the real `cornice`
(6.1.0 on the pinned Pyramid).

Each policy (the Cornice fixtures' and edge cases) becomes a real `Service(name, path,
cors_<option>=...)` with one view per method the policy's routes name (or the model's
default methods), served by a Pyramid app; the probe battery is replayed through WebOb.
Status and CORS headers must be equal; Allow-Headers is compared as a set of names
(Cornice joins a `set`), and Expose-Headers likewise.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pyramid's pkg_resources deprecation
    from cornice import Service  # type: ignore[import-untyped]
    from pyramid.config import Configurator  # type: ignore[import-untyped]
from webob import Request as WebRequest  # type: ignore[import-untyped]

from corslint.extractors.cornice.extractor import SETTINGS
from corslint.frameworks.cornice_cors import SERVICE_METHODS, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


def real_app(policy: CorsPolicy, number: int) -> Any:
    options = {f"cors_{name}": value.plain() for name, value in policy.options.items()}
    service = Service(name=f"probe{number}", path="/items", **options)
    methods = [m for route in policy.routes or () for m in route.methods] or list(SERVICE_METHODS)

    def view(request: Any) -> dict[str, bool]:
        return {"ok": True}

    for method in dict.fromkeys(methods):
        service.add_view(method, view, renderer="json")
    config = Configurator(settings={})
    config.include("cornice")
    config.add_cornice_service(service)
    return config.make_wsgi_app()


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "cornice"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "cornice" and all(
                v.known and name in SETTINGS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(routes: tuple[Route, ...] | None = None, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("cornice", HERE, {name: wrap(raw) for name, raw in options.items()}, routes=routes)


SYNTHETIC = {
    "star-credentials": synthetic(origins=("*",), credentials=True),
    "star": synthetic(origins=("*",), headers=("X-Total", "Content-Type"), max_age=42),
    "glob": synthetic(
        routes=(Route("/items", ("GET",), HERE), Route("/items", ("PUT",), HERE)),
        origins=("https://*.example.com", "null"),
        credentials=True,
    ),
    "listed-strict-headers": synthetic(
        origins=("https://app.example.com",), headers=("Content-Type",), expose_all_headers=False
    ),
    "enabled-without-origins": synthetic(enabled=True),
    "disabled": synthetic(origins=("*",), enabled=False),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_fixture_policies_are_compared() -> None:
    assert len(fixture_policies()) >= 2


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_cornice(name: str, policy: CorsPolicy) -> None:
    app = real_app(policy, POLICIES.index((name, policy)))
    requests = battery(policy)
    assert len(requests) > 20
    for probe in requests:
        request = Request(probe.method, probe.origin, probe.headers, "/items", probe.credentials)
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        real = WebRequest.blank("/items", method=request.method, headers=headers).get_response(app)
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        if predicted.status is not None or request.method != "OPTIONS":
            assert real.status_int == (predicted.status or 200), where
        assert comparable(real.headerlist) == comparable(list(predicted.headers)), where


def comparable(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    headers: dict[str, Any] = dict(cors_headers(pairs))
    if "access-control-allow-headers" in headers:
        headers["access-control-allow-headers"] = set(headers["access-control-allow-headers"].split(","))
    if "access-control-expose-headers" in headers:  # a set as well
        headers["access-control-expose-headers"] = set(headers["access-control-expose-headers"].split(", "))
    return headers
