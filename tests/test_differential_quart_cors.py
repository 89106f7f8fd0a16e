"""Differential truth: corslint's Quart-CORS model against the real `quart_cors`.

Every Quart-CORS fixture's extracted policy, plus edge-case policies, is applied to a real
Quart app (`cors(app, ...)`, or `@route_cors(...)` on the one route for route-level
policies), and the probe battery is replayed against both: status and CORS headers must be
equal header by header. Allow-Headers is compared as a set of names where the library
intersects two sets (its order then follows Python's string hashing).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from quart import Quart
from quart_cors import cors, route_cors

from corslint.frameworks.quart_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Regex, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def real_app(options: dict[str, Any], route_level: bool, path: str = "/") -> Quart:
    app = Quart("differential")

    async def anything() -> str:
        return "ok"

    view = route_cors(**options)(anything) if route_level else anything
    app.add_url_rule(path, "anything", view, methods=METHODS)
    return app if route_level else cors(app, **options)


def real_value(raw: Any) -> Any:
    if isinstance(raw, Regex):
        return re.compile(raw.pattern, re.IGNORECASE if "i" in raw.flags else 0)
    if isinstance(raw, tuple):
        return [real_value(item) for item in raw]
    return raw


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    if any(not v.known for v in policy.options.values()):
        return None
    return {name: real_value(value.plain()) for name, value in policy.options.items()}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "quart_cors"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "quart_cors":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(route_level: bool = False, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "quart_cors", HERE, {name: wrap(raw) for name, raw in options.items()}, route_level=route_level
    )


SYNTHETIC = {
    "defaults": synthetic(),
    "wildcard-credentials": synthetic(allow_origin="*", allow_credentials=True),
    "default-origin-credentials": synthetic(allow_credentials=True),
    "list-credentials": synthetic(allow_origin=["https://a.example.com", "null"], allow_credentials=True),
    "string-origin": synthetic(allow_origin="https://a.example.com", allow_methods="PUT"),
    "pattern": synthetic(allow_origin=[Regex(r"https://.*\.example\.com")], max_age=300),
    "headers": synthetic(
        allow_origin=["https://a.example.com"],
        allow_headers=["X-Custom", "Content-Type", "Authorization"],
        allow_methods=["get", "put"],
        expose_headers=["X-Total", "X Bad"],
    ),
    "empty-lists": synthetic(allow_origin=["https://a.example.com"], expose_headers=[], allow_headers=[]),
    "route": synthetic(route_level=True, allow_origin=["https://a.example.com"], allow_methods=["PUT"]),
    "route-defaults": synthetic(route_level=True),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_quart_cors(name: str, policy: CorsPolicy) -> None:
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    requests = battery(policy)
    assert len(requests) > 20
    real = asyncio.run(replay(real_app(options, policy.route_level, policy.probe_path), requests))
    for request, (status, pairs) in zip(requests, real, strict=True):
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert status == (predicted.status or 200), where
        assert comparable(pairs) == comparable(list(predicted.headers)), where


def comparable(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    headers: dict[str, Any] = dict(cors_headers(pairs))
    if "access-control-allow-headers" in headers:
        headers["access-control-allow-headers"] = set(headers["access-control-allow-headers"].split(", "))
    return headers


async def replay(app: Quart, requests: list[Request]) -> list[tuple[int, list[tuple[str, str]]]]:
    logging.getLogger("quart.app").disabled = True  # the ValueError of `*` with credentials
    client = app.test_client()
    answers = []
    for request in requests:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["origin"] = request.origin
        response = await client.open(request.path, method=request.method, headers=headers)  # type: ignore[call-arg]  # the protocol lists json
        answers.append((response.status_code, list(response.headers.items())))
    return answers
