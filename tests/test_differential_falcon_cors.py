"""Differential truth: corslint's falcon-cors model against the real `falcon_cors` (1.1.7)
on Falcon 4.4.0.

Each policy (the fixtures' and edge cases) becomes a real `falcon.App(middleware=
[CORS(...).middleware])` serving one resource with the methods the model assumes
(`RESOURCE_METHODS`), and the probe battery is replayed through `falcon.testing`. Status
and CORS headers must be equal header by header.
"""

from __future__ import annotations

import logging
from typing import Any

import falcon
import falcon.testing
import pytest
from falcon_cors import CORS  # type: ignore[import-untyped]

from corslint.extractors.falcon_cors.extractor import SETTINGS
from corslint.frameworks.falcon_cors import FRAMEWORK, RESOURCE_METHODS, respond
from corslint.model import CorsPolicy, Location, Regex, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


def real_app(policy: CorsPolicy) -> Any:
    options: dict[str, Any] = {}
    for name, value in policy.options.items():
        plain = value.plain()
        if isinstance(plain, Regex):
            plain = plain.pattern
        options[name] = list(plain) if isinstance(plain, tuple) else plain
    quiet = logging.getLogger("falcon_cors.test")
    quiet.disabled = True
    cors = CORS(logger=quiet, **options)

    class Resource:
        pass

    def on_request(self: object, req: falcon.Request, resp: falcon.Response, **_: str) -> None:
        resp.media = {"ok": True}

    for method in RESOURCE_METHODS:
        setattr(Resource, f"on_{method.lower()}", on_request)
    app = falcon.App(middleware=[cors.middleware])
    app.add_route(policy.probe_path, Resource())
    return app


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "falcon_cors"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "falcon_cors" and all(
                v.known and name in SETTINGS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("falcon_cors", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC = {
    "defaults": synthetic(),
    "all-origins": synthetic(allow_all_origins=True, allow_all_methods=True, max_age=600),
    "all-origins-credentials-list": synthetic(
        allow_all_origins=True,
        allow_credentials_origins_list=["https://app.example.com"],
        allow_methods_list=["GET", "PUT"],
        allow_headers_regex="x-.*",
        expose_headers_list=["X-Total", "X-Page"],
    ),
    "regex": synthetic(
        allow_origins_regex=r"https://.*\.example\.com",
        allow_all_methods=True,
        allow_headers_list=["Content-Type", "authorization"],
        allow_credentials_origins_regex=r"https://app\.",
        max_age=7200,
    ),
    "list": synthetic(
        allow_origins_list=["https://app.example.com", "null"],
        allow_all_headers=True,
        allow_methods_list=["POST", "DELETE"],
        allow_credentials_all_origins=True,
    ),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_falcon_cors(name: str, policy: CorsPolicy) -> None:
    requests = battery(policy)
    assert len(requests) > 20
    client = falcon.testing.TestClient(real_app(policy))
    for request in requests:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        real = client.simulate_request(request.method, policy.probe_path, headers=headers)
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert real.status_code == (predicted.status or 200), where
        pairs = list(real.headers.items())
        assert dict(cors_headers(pairs)) == dict(cors_headers(list(predicted.headers))), where


def test_lower_case_method_stops_the_app() -> None:
    """What the library check says, as the real library does it."""
    with pytest.raises(ValueError, match="Unknown methods"):
        CORS(allow_all_origins=True, allow_methods_list=["get"])
    policy = synthetic(allow_all_origins=True, allow_methods_list=["get"])
    (check,) = FRAMEWORK.library_checks(policy)
    assert check.code == "ValueError at startup" and "`get`" in check.message
