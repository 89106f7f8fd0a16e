"""Differential truth: corslint's bottle-cors-plugin model against the real plugin
(0.1.9 on the pinned Bottle).

Each policy (the fixtures' and edge cases) becomes a fresh `Bottle()` app with the plugin
installed and one route serving the policy's methods; where the policy's app is Bottle's
default one, the plugin's own `_options_route` registers its OPTIONS routes on that app
(pushed as the default, as at the plugin's import). The probe battery is replayed through
WebOb; status and CORS headers must be equal.
"""

from __future__ import annotations

from typing import Any

import bottle  # type: ignore[import-untyped]
import pytest
from bottle_cors_plugin import cors_plugin, cors_plugin_object  # type: ignore[import-untyped]
from webob import Request as WebRequest  # type: ignore[import-untyped]

from corslint.frameworks.bottle_cors_plugin import ROUTE_METHODS, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


def real_app(policy: CorsPolicy) -> bottle.Bottle:
    app = bottle.Bottle()
    default = policy.options.get("default_app")
    if default is None or default.plain() is True:
        bottle.default_app.push(app)
        try:
            cors_plugin_object._options_route()
        finally:
            bottle.default_app.pop()
    origins = policy.options["origins"].plain() if "origins" in policy.options else "*"
    app.install(cors_plugin(list(origins) if isinstance(origins, tuple) else origins))
    methods = [m for route in policy.routes or () for m in route.methods] or list(ROUTE_METHODS)

    def items() -> dict[str, bool]:
        return {"ok": True}

    app.route("/items", method=list(dict.fromkeys(methods)), callback=items)
    return app


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "bottle_cors_plugin"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "bottle_cors_plugin" and all(v.known for v in policy.options.values()):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(routes: tuple[Route, ...] | None = None, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "bottle_cors_plugin", HERE, {name: wrap(raw) for name, raw in options.items()}, routes=routes
    )


SYNTHETIC = {
    "star-default-app": synthetic(origins="*", default_app=True),
    "list-default-app": synthetic(origins=["https://a.example.com", "https://b.example.com"]),
    "one-origin-new-app": synthetic(
        routes=(Route("/items", ("GET", "POST"), HERE),), origins="https://a.example.com", default_app=False
    ),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_fixture_policies_are_compared() -> None:
    assert len(fixture_policies()) >= 2


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_plugin(name: str, policy: CorsPolicy) -> None:
    app = real_app(policy)
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
        assert real.status_int == (predicted.status or 200), where
        assert cors_headers(real.headerlist) == cors_headers(list(predicted.headers)), where
