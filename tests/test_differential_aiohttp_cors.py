"""Differential truth: corslint's aiohttp-cors model against the real `aiohttp_cors`.

Every aiohttp-cors fixture's extracted policy, plus edge-case policies, is set up on a real
aiohttp app whose routes (one per method of the battery) are each passed to `cors.add`,
and the probe battery is replayed against both: status and CORS headers must be equal
header by header. The library joins Expose-Headers and Allow-Headers from frozensets, whose
order follows Python's string hashing: those two are compared as sets of names.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp_cors
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from corslint.frameworks.aiohttp_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
AS_SETS = ("access-control-expose-headers", "access-control-allow-headers")


async def ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def real_app(config: dict[str, dict[str, Any]], path: str) -> web.Application:
    app = web.Application()
    cors = aiohttp_cors.setup(
        app,
        defaults={
            origin: aiohttp_cors.ResourceOptions(**options)  # type: ignore[no-untyped-call]
            for origin, options in config.items()
        },
    )
    resource = app.router.add_resource(path)
    for method in METHODS:
        cors.add(resource.add_route(method, ok))
    return app


def known_config(policy: CorsPolicy) -> dict[str, dict[str, Any]] | None:
    config = policy.option("config")
    if config is None:
        return {}
    if any(not value.known for value in config.walk()):
        return None
    plain: dict[str, dict[str, Any]] = config.plain()
    return {
        origin: {name: list(v) if isinstance(v, tuple) else v for name, v in options.items()}
        for origin, options in plain.items()
    }


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "aiohttp_cors"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "aiohttp_cors":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(config: dict[str, dict[str, Any]]) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        if isinstance(raw, dict):
            return Value({key: wrap(item) for key, item in raw.items()}, HERE)
        return Value(raw, HERE)

    return CorsPolicy("aiohttp_cors", HERE, {"config": wrap(config)})


SYNTHETIC = {
    "no-defaults": synthetic({}),
    "any-origin": synthetic({"*": {}}),
    "any-origin-everything": synthetic(
        {"*": {"allow_credentials": True, "expose_headers": "*", "allow_headers": "*", "max_age": 3600}}
    ),
    "allow-list": synthetic(
        {
            "https://a.example.com": {
                "allow_credentials": True,
                "allow_headers": ["Content-Type", "authorization", "X-Custom"],
                "expose_headers": ["X-Total", "X-Page"],
                "allow_methods": ["PUT"],
                "max_age": 0,
            },
            "null": {},
        }
    ),
    "allow-list-and-any": synthetic(
        {"https://a.example.com": {"allow_credentials": True, "allow_headers": "*"}, "*": {}}
    ),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_aiohttp_cors(name: str, policy: CorsPolicy) -> None:
    config = known_config(policy)
    if config is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    requests = battery(policy)
    assert len(requests) > 20
    real = asyncio.run(replay(real_app(config, policy.probe_path), requests))
    for request, (status, pairs) in zip(requests, real, strict=True):
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert status == (predicted.status or 200), where
        assert comparable(pairs) == comparable(list(predicted.headers)), where


def comparable(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    headers: dict[str, Any] = dict(cors_headers(pairs))
    for name in AS_SETS:
        if name in headers:
            headers[name] = {part.upper() for part in headers[name].split(",")}
    return headers


async def replay(app: web.Application, requests: list[Request]) -> list[tuple[int, list[tuple[str, str]]]]:
    answers = []
    async with TestClient(TestServer(app)) as client:
        for request in requests:
            headers = dict(request.headers)
            if request.origin is not None:
                headers["origin"] = request.origin
            response = await client.request(request.method, request.path, headers=headers)
            answers.append((response.status, list(response.headers.items())))
    return answers
