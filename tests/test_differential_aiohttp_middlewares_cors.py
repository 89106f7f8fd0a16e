"""Differential truth: corslint's model of aiohttp-middlewares' `cors_middleware` against
the real one (aiohttp-middlewares 3.0.0 on the pinned aiohttp).

Each policy (the fixtures' and edge cases) becomes a real `web.Application(middlewares=
[cors_middleware(**options)])` with a catch-all route, and the probe battery is replayed
through aiohttp's test client at the policy's probe path; status and CORS headers must be
equal header by header.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp_middlewares.cors import cors_middleware

from corslint.extractors.aiohttp_middlewares.extractor import PARAMETERS
from corslint.frameworks.aiohttp_middlewares_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Regex, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


async def ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def real_value(raw: Any) -> Any:
    if isinstance(raw, Regex):
        return re.compile(raw.pattern, re.IGNORECASE if "i" in raw.flags else 0)
    if isinstance(raw, tuple):
        return tuple(real_value(item) for item in raw)
    return raw


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "aiohttp_middlewares"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "aiohttp_middlewares" and all(
                v.known and name in PARAMETERS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(probe_path: str = "/", **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "aiohttp_middlewares",
        HERE,
        {name: wrap(raw) for name, raw in options.items()},
        probe_path=probe_path,
    )


SYNTHETIC = {
    "defaults": synthetic(),
    "allow-all": synthetic(allow_all=True, expose_headers=["X-Total"], max_age=86400),
    "allow-all-credentials": synthetic(allow_all=True, allow_credentials=True),
    "list-and-pattern": synthetic(
        origins=["https://app.example.com", Regex(r"^https?\:\/\/localhost")],
        allow_credentials=True,
        allow_headers=["*"],
        allow_methods="GET",
    ),
    "urls": synthetic("/api/items", origins=["https://app.example.com"], urls=[Regex(r"^/api/"), "/health"]),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_fixture_policies_are_compared() -> None:
    assert len(fixture_policies()) >= 3


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_cors_middleware(name: str, policy: CorsPolicy) -> None:
    options = {key: real_value(value.plain()) for key, value in policy.options.items()}
    requests = battery(policy)
    assert len(requests) > 20
    real = asyncio.run(replay(options, requests, policy.probe_path))
    for request, (status, pairs) in zip(requests, real, strict=True):
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert status == (predicted.status or 200), where
        assert dict(cors_headers(pairs)) == dict(cors_headers(list(predicted.headers))), where


async def replay(
    options: dict[str, Any], requests: list[Request], path: str
) -> list[tuple[int, list[tuple[str, str]]]]:
    app = web.Application(middlewares=[cors_middleware(**options)])
    app.router.add_route("*", "/{tail:.*}", ok)
    answers: list[tuple[int, list[tuple[str, str]]]] = []
    async with TestClient(TestServer(app)) as client:
        for request in requests:
            headers = dict(request.headers)
            if request.origin is not None:
                headers["Origin"] = request.origin
            async with client.request(request.method, path, headers=headers) as response:
                answers.append((response.status, list(response.headers.items())))
    return answers
