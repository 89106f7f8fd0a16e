"""Differential truth: corslint's Chalice model against the real `chalice` (1.31.3).

Each policy (the Chalice fixtures' and edge cases) becomes a real Chalice app whose routes
pass `cors=CORSConfig(...)` (or `cors=True`), and the probe battery is replayed through
Chalice's local gateway (`chalice.local.LocalGateway`, which `chalice local` and
`chalice.test` use; the test client itself fails on a body-less preflight), which answers preflights as the OPTIONS mock Chalice
deploys to API Gateway does. CORS headers must be equal header by header; statuses are
compared for preflights and for methods no route serves (a view's own status, such as
Chalice's 415 for a body that is not JSON, is the app's business, not CORS's).
"""

from __future__ import annotations

from typing import Any

import pytest
from chalice.app import Chalice, CORSConfig
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from corslint.frameworks.chalice import ANY_METHODS, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)
PARAMETERS = ("allow_origin", "allow_headers", "expose_headers", "max_age", "allow_credentials")


def real_app(policy: CorsPolicy) -> Chalice:
    app = Chalice(app_name="differential")
    options = {name: value.plain() for name, value in policy.options.items()}
    for name in ("allow_headers", "expose_headers"):
        if isinstance(options.get(name), tuple):
            options[name] = list(options[name])
    cors: Any = CORSConfig(**options) if options else True
    # every route on the probed path: the model answers each path with all its routes' methods
    routes = policy.routes or (Route(policy.probe_path, ANY_METHODS, HERE),)
    by_path = {policy.probe_path: [method for route in routes for method in route.methods]}
    for number, (path, methods) in enumerate(by_path.items()):

        def view(**_: str) -> dict[str, bool]:
            return {"ok": True}

        app.route(path, methods=list(dict.fromkeys(methods)), cors=cors, name=f"view{number}")(view)
    return app


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "chalice"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "chalice" and all(
                v.known and name in PARAMETERS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(routes: tuple[Route, ...] | None = None, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("chalice", HERE, {name: wrap(raw) for name, raw in options.items()}, routes=routes)


SYNTHETIC = {
    "cors-true": synthetic(),
    "wildcard-credentials": synthetic(allow_origin="*", allow_credentials=True, max_age=600),
    "pinned-origin": synthetic(
        routes=(Route("/", ("GET", "POST"), HERE), Route("/", ("DELETE",), HERE)),
        allow_origin="https://app.example.com",
        allow_headers=["X-Custom", "Content-Type"],
        expose_headers=["X-Total", "X-Page"],
        allow_credentials=True,
    ),
    "credentials-false": synthetic(
        allow_origin="https://app.example.com", allow_credentials=False, max_age=0
    ),
    "get-only": synthetic(routes=(Route("/", ("GET",), HERE),), allow_origin="http://localhost:3000"),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_chalice(name: str, policy: CorsPolicy) -> None:
    requests = battery(policy)
    assert len(requests) > 20
    path = policy.probe_path
    gateway = LocalGateway(real_app(policy), Config())
    for probe in requests:
        request = Request(probe.method, probe.origin, probe.headers, path, probe.credentials)
        headers = dict(request.headers)
        if request.origin is not None:
            headers["origin"] = request.origin
        status, real_headers = answer(gateway, request.method, path, headers)
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        if request.method == "OPTIONS" or predicted.status is not None:
            assert status == predicted.status, where
        pairs = [(key, value) for key, value in real_headers.items()]
        assert dict(cors_headers(pairs)) == dict(cors_headers(list(predicted.headers))), where


def answer(
    gateway: LocalGateway, method: str, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str]]:
    try:
        response = gateway.handle_request(method=method, path=path, headers=headers, body=b"")
    except LocalGatewayException as error:
        return error.CODE, dict(error.headers)
    return int(response["statusCode"]), dict(response["headers"])
