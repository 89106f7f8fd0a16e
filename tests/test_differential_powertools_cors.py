"""Differential truth: corslint's Powertools for AWS Lambda CORS model against the real
`aws_lambda_powertools` event handler (3.37.0).

Each policy (the fixtures' and edge cases) becomes a real `APIGatewayRestResolver(cors=
CORSConfig(...))` with the policy's routes (or one route per method where the routes are
not known), and the probe battery is replayed as API Gateway REST proxy events. CORS
headers must be equal header by header; statuses are compared for preflights (a simple
request's status is the route's business: 404 where no route serves its method).
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from corslint.extractors.powertools.extractor import PARAMETERS
from corslint.frameworks.powertools_cors import ANY_METHODS, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


def real_app(policy: CorsPolicy, path: str) -> APIGatewayRestResolver:
    options = {name: value.plain() for name, value in policy.options.items()}
    for name in ("extra_origins", "allow_headers", "expose_headers"):
        if isinstance(options.get(name), tuple):
            options[name] = list(options[name])
    app = APIGatewayRestResolver(cors=CORSConfig(**options))
    methods = sorted({m for route in policy.routes or () for m in route.methods} or set(ANY_METHODS))

    def view() -> dict[str, bool]:
        return {"ok": True}

    app.route(path, method=methods)(view)
    return app


def event(request: Request, path: str) -> dict[str, Any]:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    return {
        "resource": path,
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "httpMethod": request.method,
            "path": path,
            "resourcePath": path,
            "stage": "prod",
            "requestId": "differential",
            "identity": {"sourceIp": "192.0.2.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "powertools"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "powertools_cors" and all(
                v.known and name in PARAMETERS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(routes: tuple[Route, ...] | None = None, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "powertools_cors", HERE, {name: wrap(raw) for name, raw in options.items()}, routes=routes
    )


SYNTHETIC = {
    "defaults": synthetic(),
    "wildcard-credentials": synthetic(allow_origin="*", allow_credentials=True, max_age=600),
    "wildcard-and-listed": synthetic(
        allow_origin="*", extra_origins=["https://app.example.com"], allow_credentials=True
    ),
    "listed": synthetic(
        routes=(Route("/", ("GET",), HERE), Route("/", ("PATCH",), HERE)),
        allow_origin="https://app.example.com",
        extra_origins=["https://admin.example.com", "null"],
        allow_headers=["X-Custom", "Content-Type"],
        expose_headers=["X-Total", "X-Page"],
        allow_credentials=True,
        max_age=0,
    ),
    "trailing-slash": synthetic(allow_origin="https://app.example.com/", allow_credentials=False),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_powertools(name: str, policy: CorsPolicy) -> None:
    requests = battery(policy)
    assert len(requests) > 20
    path = policy.probe_path
    app = real_app(policy, path)
    for probe in requests:
        request = Request(probe.method, probe.origin, probe.headers, path, probe.credentials)
        real = app.resolve(event(request, path), cast(Any, None))
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        if request.method == "OPTIONS":
            assert real["statusCode"] == predicted.status, where
        pairs = [(key, values[-1]) for key, values in real["multiValueHeaders"].items()]
        assert dict(cors_headers(pairs)) == dict(cors_headers(list(predicted.headers))), where
