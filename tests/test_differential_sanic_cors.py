"""Differential truth: corslint's Sanic-CORS model against the real sanic_cors on a real Sanic app.

Every Sanic-CORS fixture's extracted policy, every Flask-CORS fixture's policy read as the
port's (the same options, given to `sanic_cors.CORS`), and edge-case policies for the port's
differences are applied to a Sanic app that serves every path (`CORS(app, ...)`, or
`@cross_origin(app, ...)` on the view for route-level policies); the probe battery is replayed
against Sanic's ASGI test client and our `respond`: status and CORS headers must be equal
header by header.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest

from corslint.frameworks.sanic_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route
from tests.conftest import synthetic_policy
from tests.flask_cors_policies import fixture_policies_in, known_options
from tests.probe_battery import cors_headers, route_battery

sanic = pytest.importorskip("sanic")
sanic_cors = pytest.importorskip("sanic_cors")
pytest.importorskip("sanic_testing")

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
HERE = Location.point("synthetic.py", 1)
_NAMES = itertools.count()


def real_app(policy: CorsPolicy, options: dict[str, Any]) -> Any:
    app = sanic.Sanic(f"differential{next(_NAMES)}")

    async def view(request: Any, path: str = "") -> Any:
        return sanic.response.text("ok")

    methods = list(METHODS)
    if policy.route_level:
        view = sanic_cors.cross_origin(app, **options)(view)
        known = [m for route in policy.routes or () for m in route.methods]
        # Sanic answers OPTIONS only on a route that lists it; routes corslint does not
        # know are taken to list it, as the model does
        if not known or "OPTIONS" in known:
            methods.append("OPTIONS")
    app.add_route(view, "/", methods=methods, name="root")
    app.add_route(view, "/<path:path>", methods=methods, name="any")
    if not policy.route_level:
        sanic_cors.CORS(app, **options)
    return app


async def replay(app: Any, requests: list[Request]) -> list[tuple[int, list[tuple[str, str]]]]:
    client = app.asgi_client
    await client.request("GET", "/")  # starts the app (routes, middleware) once
    answers = []
    for request in requests:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        # httpx's own request: the test client's would start the app again for each one
        url = f"http://127.0.0.1:1234{request.path}"
        response = await httpx.AsyncClient.request(client, request.method, url, headers=headers)
        answers.append((response.status_code, list(response.headers.items())))
    return answers


def project_policies(folder: str, framework: str) -> list[tuple[str, CorsPolicy]]:
    """The folder's `framework` policies, judged as the port's."""
    found = fixture_policies_in(folder, framework, f"{folder}/")
    return [(name, replace(policy, framework="sanic_cors")) for name, policy in found]


def synthetic(
    route_level: bool = False,
    path: str = "/",
    scope: str = "",
    routes: tuple[Route, ...] | None = None,
    **options: Any,
) -> CorsPolicy:
    fields = {"routes": routes, "route_level": route_level, "probe_path": path, "scope": scope}
    return synthetic_policy("sanic_cors", HERE, options, **fields)


SYNTHETIC = {
    "defaults": synthetic(),
    "defaults-credentials": synthetic(supports_credentials=True),
    "anchored-literal": synthetic(origins=["^https://a.example.com$", "https://b.example.com"]),
    "dollar-only": synthetic(origins="https://a.example.com$"),
    "glob-credentials": synthetic(origins=["https://*.example.com"], supports_credentials=True),
    "max-age-zero": synthetic(origins="https://a.example.com", max_age=0),
    "max-age-timedelta": synthetic(origins="https://a.example.com", max_age=timedelta(hours=1)),
    "no-origin-sorted": synthetic(origins=["https://b.example.com", "https://a.example.com"]),
    "header-regex": synthetic(origins="https://a.example.com", allow_headers=["X-.*", "content-type"]),
    # Flask-CORS 6 tries the literal first; the port the longest pattern
    "resources-longest-first": synthetic(
        path="/api/v1/x",
        scope="/api/v1/.*",
        resources={"/api/v1/x": {"origins": "*"}, "/api/v1/.*": {"origins": "https://a.example.com"}},
        origins="https://a.example.com",
    ),
    "resource-upper-case": synthetic(path="/api/x", scope="/API/*", resources=["/API/*"]),
    "decorator-route-with-options": synthetic(
        route_level=True,
        path="/login",
        routes=(Route("/login", ("POST", "OPTIONS"), HERE),),
        origins=["https://a.example.com"],
        supports_credentials=True,
    ),
    "decorator-route-without-options": synthetic(
        route_level=True,
        path="/login",
        routes=(Route("/login", ("POST",), HERE),),
        origins=["https://a.example.com"],
    ),
}
POLICIES = (
    project_policies("sanic_cors", "sanic_cors")
    + project_policies("flask", "flask_cors")
    + sorted(SYNTHETIC.items())
)


def test_the_sanic_fixtures_are_compared() -> None:
    compared = [n for n, p in project_policies("sanic_cors", "sanic_cors") if known_options(p) is not None]
    assert len(compared) >= 4


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_sanic_cors(name: str, policy: CorsPolicy) -> None:
    logging.getLogger("sanic").setLevel(logging.CRITICAL)
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    requests = route_battery(policy)
    try:
        app = real_app(policy, options)
    except ValueError:
        for request in requests[:3]:
            with pytest.raises(ValueError):
                respond(policy, request)
        return
    answers = asyncio.run(replay(app, requests))
    for request, (status, pairs) in zip(requests, answers, strict=True):
        try:
            predicted = respond(policy, request)
        except (ValueError, re.error):
            assert status == 500, request  # a regex that fails to compile when first tried
            continue
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        assert status == (predicted.status or 200), where
        assert cors_headers(pairs) == cors_headers(list(predicted.headers)), where


def _one_request(app: Any, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    async def send() -> tuple[int, dict[str, str]]:
        _, response = await app.asgi_client.request(method, path, headers=headers)
        return response.status_code, cors_headers(list(response.headers.items()))

    return asyncio.run(send())


def test_config_attribute_writes_are_read_by_the_port() -> None:
    """`app.config.CORS_SUPPORTS_CREDENTIALS = True` (fixture config_attribute_credentials)."""
    app = sanic.Sanic(f"differential{next(_NAMES)}")
    app.config.CORS_SUPPORTS_CREDENTIALS = True

    @app.get("/points")
    async def points(request: Any) -> Any:
        return sanic.response.text("ok")

    sanic_cors.CORS(app)
    _, headers = _one_request(app, "GET", "/points", {"Origin": "https://attacker.invalid"})
    assert headers["access-control-allow-origin"] == "https://attacker.invalid"
    assert headers["access-control-allow-credentials"] == "true"


def test_the_extension_answers_preflights_of_decorated_routes_without_options() -> None:
    """Fixture extension_and_decorated_views: Sanic refuses OPTIONS on a POST-only route
    (405), and the extension's error handler turns that into a 200 with CORS headers."""
    app = sanic.Sanic(f"differential{next(_NAMES)}")
    sanic_cors.CORS(app, resources={r"/*": {"origins": "*"}})

    @app.route("/accounts", methods=["POST"])
    @sanic_cors.cross_origin(app)
    async def create_account(request: Any) -> Any:
        return sanic.response.text("ok")

    preflight = {"Origin": "https://a.example.com", "Access-Control-Request-Method": "POST"}
    status, headers = _one_request(app, "OPTIONS", "/accounts", preflight)
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://a.example.com"
    policy = next(
        p for n, p in POLICIES if n.startswith("sanic_cors/extension_and_decorated_views") and p.route_level
    )
    predicted = respond(policy, Request.make("OPTIONS", "https://a.example.com", path="/accounts"))
    assert predicted.status == 200
