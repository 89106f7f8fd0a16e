"""Differential truth: corslint's Litestar model against the real `Litestar(cors_config=...)`.

Every Litestar fixture's extracted policy, plus edge-case policies, is turned into a real
`CORSConfig`, and the probe battery is replayed against both: status and CORS headers
must be equal header by header. A credentialed probe carries a Cookie, as a browser
with a session does (Litestar reflects `*` only then).
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, route
from litestar.config.cors import CORSConfig
from litestar.testing import TestClient

from corslint.frameworks.litestar import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


@route(["/", "/{path:path}"], http_method=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], status_code=200)
async def anything() -> str:
    return "ok"


def real_client(options: dict[str, Any]) -> TestClient[Litestar]:
    app = Litestar(route_handlers=[anything], cors_config=CORSConfig(**options))
    # an error inside the middleware (an invalid allow_origin_regex) is the 500 a server sends
    return TestClient(app, base_url="http://api.test", raise_server_exceptions=False)


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    if any(not v.known for v in policy.options.values()):
        return None
    return {name: value.plain() for name, value in policy.options.items()}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "litestar"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "litestar":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("litestar", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC = {
    "defaults": synthetic(),
    "wildcard-credentials": synthetic(allow_origins=["*"], allow_credentials=True),
    "list": synthetic(allow_origins=["https://a.example.com"], allow_methods=["GET", "PUT"]),
    "glob": synthetic(allow_origins=["https://*.example.com"], allow_headers=["X-Custom", "Authorization"]),
    "regex": synthetic(allow_origins=[], allow_origin_regex=r"https://.*\.example\.com", max_age=0),
    "credentials-list": synthetic(
        allow_origins=["https://a.example.com", "null"],
        allow_credentials=True,
        expose_headers=["X-Total", "X-Page"],
        allow_headers=[],
    ),
    "string-origin": synthetic(allow_origins="https://a.example.com", allow_methods="GET,PUT"),
    "no-methods": synthetic(allow_origins=["https://a.example.com"], allow_methods=[]),
    "invalid-regex": synthetic(allow_origins=["https://a.example.com"], allow_origin_regex="("),
    "invalid-regex-wildcard": synthetic(allow_origin_regex="(", allow_credentials=True),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_litestar(name: str, policy: CorsPolicy) -> None:
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    requests = battery(policy)
    assert len(requests) > 20
    with real_client(options) as client:
        for request in requests:
            predicted = respond(policy, request)
            status, pairs = send(client, request)
            where = f"{request.method} Origin={request.origin} {dict(request.headers)} cookie={request.credentials}"
            assert status == (predicted.status or 200), where
            assert cors_headers(pairs) == cors_headers(list(predicted.headers)), where


def send(client: TestClient[Litestar], request: Request) -> tuple[int, list[tuple[str, str]]]:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    if request.credentials:
        headers["cookie"] = "session=1"
    client.cookies.clear()
    response = client.request(request.method, request.path, headers=headers)
    return response.status_code, response.headers.multi_items()
