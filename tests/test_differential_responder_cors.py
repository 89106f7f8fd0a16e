"""Differential truth: corslint's model of Responder's CORS against the real `responder`
(9.2.0, on the pinned Starlette).

Each policy (the Responder fixtures' and edge cases) becomes a real `responder.API(
cors=True, cors_params=...)` (no `cors_params` where the policy has no options: Responder's
defaults), and the probe battery is replayed through its test client; status and CORS
headers must be equal header by header.
"""

from __future__ import annotations

from typing import Any

import pytest
import responder

from corslint.extractors.responder.extractor import PARAMETERS
from corslint.frameworks.responder_cors import FRAMEWORK
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

HERE = Location.point("synthetic.py", 1)


def real_api(policy: CorsPolicy) -> responder.API:
    params = {name: value.plain() for name, value in policy.options.items()}
    extra: dict[str, Any] = {"cors_params": params} if params else {}
    api = responder.API(cors=True, secret_key="differential", **extra)  # type: ignore[no-untyped-call]

    def anything(req: Any, resp: Any, *, path: str) -> None:
        resp.text = "ok"

    api.add_route("/{path}", anything)  # type: ignore[no-untyped-call]
    return api


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    folder = FIXTURES / "responder"
    for project in sorted(folder.iterdir()) if folder.is_dir() else ():
        for policy in run_lint(project).policies:
            if policy.framework == "responder" and all(
                v.known and name in PARAMETERS for name, v in policy.options.items()
            ):
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("responder", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC = {
    "defaults": synthetic(),
    "star-credentials": synthetic(allow_origins=["*"], allow_credentials=True, allow_headers=["*"]),
    "regex": synthetic(allow_origin_regex=r"https://.*\.example\.com", allow_methods=["GET", "PUT"]),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


def test_fixture_policies_are_compared() -> None:
    assert len(fixture_policies()) >= 3


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_responder(name: str, policy: CorsPolicy) -> None:
    client = real_api(policy).requests
    requests = battery(policy)
    assert len(requests) > 20
    for probe in requests:
        request = Request(probe.method, probe.origin, probe.headers, "/items", probe.credentials)
        headers = dict(request.headers)
        if request.origin is not None:
            headers["origin"] = request.origin
        real = client.request(request.method, request.path, headers=headers)
        predicted = FRAMEWORK.respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert real.status_code == (predicted.status or 200), where
        assert cors_headers(real.headers.multi_items()) == cors_headers(list(predicted.headers)), where
