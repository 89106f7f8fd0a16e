"""Differential truth: corslint's model of Sanic Extensions' CORS against the real
sanic-ext 25.12.0 on sanic 25.12.1.

sanic-ext is not in the test extras: once importable, Sanic loads it into every app by
itself and Sanic-CORS changes its behaviour, which the Sanic-CORS and hand-written Sanic
differential tests compare against. Run this file with sanic-ext on the path, e.g.
`pip install --no-deps --target /tmp/sanic-ext sanic-ext==25.12.0` and
`PYTHONPATH=/tmp/sanic-ext pytest tests/test_differential_sanic_ext.py`.

Each fixture policy under tests/fixtures/sanic_ext, plus edge cases, becomes
`app.extend(config=Config(...))` on an app with GET and PUT routes; the probe battery is
replayed against both. Allow-Headers, Allow-Methods and Expose-Headers are compared as
sets (the extension joins Python sets)."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
from typing import Any

import pytest

from corslint.frameworks.sanic_ext import library_checks, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Regex, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

sanic = pytest.importorskip("sanic")
sanic_ext = pytest.importorskip("sanic_ext")

HERE = Location.point("synthetic.py", 1)
LISTS = ("access-control-allow-headers", "access-control-allow-methods", "access-control-expose-headers")
_NAMES = itertools.count()


def plain(value: Value) -> Any:
    raw = value.raw
    if isinstance(raw, tuple):
        return [plain(item) for item in raw]
    if isinstance(raw, Regex):
        return re.compile(raw.pattern, re.IGNORECASE if "i" in raw.flags else 0)
    return raw


def real_app(policy: CorsPolicy) -> Any:
    sanic.Sanic.test_mode = True
    app = sanic.Sanic(f"sanic_ext_probe_{next(_NAMES)}")
    keywords = {name.lower(): plain(value) for name, value in policy.options.items()}
    app.extend(config=sanic_ext.Config(**keywords))

    async def read(request: Any) -> Any:
        return sanic.text("ok")

    async def write(request: Any) -> Any:
        return sanic.text("ok")

    app.add_route(read, "/", methods=["GET"])
    app.add_route(write, "/", methods=["PUT"], name="write")
    return app


def send(app: Any, request: Request) -> tuple[int, dict[str, str]]:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    if request.credentials:
        headers["cookie"] = "session=1"
    _, answer = asyncio.run(app.asgi_client.request(request.method, request.path, headers=headers))
    return answer.status, as_sets(cors_headers(list(answer.headers.items())))


def as_sets(headers: dict[str, str]) -> dict[str, Any]:
    return {
        name: frozenset(part.strip().lower() for part in value.split(",")) if name in LISTS else value
        for name, value in headers.items()
    }


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, list):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("sanic_ext", HERE, {name: wrap(raw) for name, raw in options.items()})


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = []
    for project in sorted((FIXTURES / "sanic_ext").iterdir()):
        for policy in run_lint(project).policies:
            if policy.framework == "sanic_ext":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


SYNTHETIC = {
    "defaults": synthetic(),
    "star-send-wildcard": synthetic(CORS_ORIGINS="*", CORS_SEND_WILDCARD=True, CORS_EXPOSE_HEADERS="*"),
    "comma-string": synthetic(
        CORS_ORIGINS="https://a.example.com, https://b.example.com", CORS_METHODS="get,put"
    ),
    "single-string-credentials": synthetic(
        CORS_ORIGINS="https://a.example.com", CORS_SUPPORTS_CREDENTIALS=True, CORS_ALLOW_HEADERS="*"
    ),
    "regex-no-always-send": synthetic(
        CORS_ORIGINS=[Regex(r"https://.*\.example\.com")], CORS_ALWAYS_SEND=False, CORS_MAX_AGE=0
    ),
    "no-automatic-options": synthetic(CORS_ORIGINS="*", CORS_AUTOMATIC_OPTIONS=False),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_sanic_ext(name: str, policy: CorsPolicy) -> None:
    assert all(value.known for value in policy.options.values())
    # the model reads the route's methods from the app's routes
    policy = dataclasses.replace(policy, routes=(Route("/", ("GET", "PUT"), HERE),))
    app = real_app(policy)
    requests = battery(policy)
    assert len(requests) > 20
    for request in requests:
        predicted = respond(policy, request)
        status, real = send(app, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)} cred={request.credentials}"
        if predicted.status is not None:
            assert status == predicted.status, where
        assert real == as_sets(cors_headers(list(predicted.headers))), where


def test_a_star_with_credentials_stops_the_server() -> None:
    policy = synthetic(CORS_ORIGINS="*", CORS_SUPPORTS_CREDENTIALS=True)
    assert [check.code for check in library_checks(policy)] == ["SanicException at startup"]
    with pytest.raises(sanic.exceptions.SanicException):
        send(real_app(policy), Request("GET", "https://a.example.com"))
