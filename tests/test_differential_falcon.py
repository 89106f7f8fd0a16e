"""Differential truth: corslint's Falcon model against the real `falcon.CORSMiddleware`.

Every Falcon fixture's extracted policy, plus edge-case policies, is turned into a real
middleware (or `falcon.App(cors_enable=True)`) on an app with one resource, and the probe
battery is replayed against both: status and CORS headers must be equal header by header.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import falcon
import falcon.testing
import pytest

from corslint.frameworks.falcon import library_checks, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)
RESOURCE_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


class Anything:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.text = "ok"

    on_post = on_put = on_patch = on_delete = on_get


def real_client(options: dict[str, Any]) -> falcon.testing.TestClient:
    # `falcon.App(cors_enable=True)` is CORSMiddleware() (an extracted policy without options)
    if options:
        app = falcon.App(middleware=[falcon.CORSMiddleware(**options)])
    else:
        app = falcon.App(cors_enable=True)
    app.add_route("/", Anything())
    return falcon.testing.TestClient(app)


def known_options(policy: CorsPolicy) -> dict[str, Any] | None:
    if any(not v.known for v in policy.options.values()):
        return None
    return {name: value.plain() for name, value in policy.options.items()}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "falcon"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "falcon" and not library_checks(policy):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def test_a_star_inside_a_list_stops_the_app() -> None:
    cases: list[dict[str, Any]] = [
        {"allow_origins": ["*"]},
        {"allow_credentials": ["*", "https://a.example.com"]},
    ]
    for options in cases:
        with pytest.raises(ValueError, match="wildcard"):
            falcon.CORSMiddleware(**options)
        policy = synthetic(**options)
        assert [check.code for check in library_checks(policy)] == ["ValueError at startup"]


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("falcon", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC = {
    "defaults": synthetic(),
    "wildcard-credentials": synthetic(allow_origins="*", allow_credentials="*"),
    "list": synthetic(allow_origins=["https://a.example.com", "null"], expose_headers=["X-Total", "X-Page"]),
    "string-origin": synthetic(
        allow_origins="https://a.example.com", allow_credentials="https://a.example.com"
    ),
    "credentials-subset": synthetic(
        allow_origins=["https://a.example.com", "https://b.example.com"],
        allow_credentials=["https://b.example.com"],
        expose_headers="X-Total",
    ),
    "private-network": synthetic(allow_origins="*", allow_private_network=True),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_falcon(name: str, policy: CorsPolicy) -> None:
    options = known_options(policy)
    if options is None:
        pytest.skip("the policy has values corslint could not resolve (CORS305); nothing to compare")
    # the model reads the resource's responders from the app's routes
    policy = dataclasses.replace(policy, routes=(Route("/", RESOURCE_METHODS, HERE),))
    client = real_client(options)
    requests = battery(policy)
    assert len(requests) > 20
    for request in requests:
        predicted = respond(policy, request)
        real = send(client, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert real.status_code == (predicted.status or 200), where
        real_pairs = [(k, v) for k, v in real.headers.items()]
        assert cors_headers(real_pairs) == cors_headers(list(predicted.headers)), where


def test_unknown_resources_allow_the_requested_method() -> None:
    policy = synthetic()
    preflight = Request("OPTIONS", "https://a.example.com", (("access-control-request-method", "PUT"),))
    assert respond(policy, preflight).get("access-control-allow-methods") == "PUT"


def send(client: falcon.testing.TestClient, request: Request) -> Any:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    return client.simulate_request(request.method, request.path, headers=headers)
