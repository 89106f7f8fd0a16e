"""Differential truth for a hand-written Falcon middleware listed beside Falcon's own
CORSMiddleware (fixture python_headers/falcon_session_beside_cors_middleware, the shape
of ptenu/ptuhub's SessionManager): the real app is built from the fixture's class and
`falcon.CORSMiddleware`, in the fixture's order and reversed, and compared with what
corslint's models of the two layers say."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from corslint.frameworks import falcon as falcon_model
from corslint.frameworks import python_headers
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

falcon = pytest.importorskip("falcon")
falcon_testing = pytest.importorskip("falcon.testing")

PROJECT = FIXTURES / "python_headers" / "falcon_session_beside_cors_middleware"
LISTED = ["https://portal.example.org", "https://partners.example.org"]
ORIGINS = [*LISTED, "https://evil.example", "null"]
COMPARED = ("access-control-allow-origin", "access-control-allow-credentials", "vary")


def tokens_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "falcon_stack_tokens", PROJECT / "portal/middleware/tokens.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Invoices:
    def on_get(self, req: Any, resp: Any) -> None:
        resp.media = {"invoices": []}

    def on_post(self, req: Any, resp: Any) -> None:
        resp.media = {"created": True}


def client(session_first_in_list: bool) -> Any:
    library = falcon.CORSMiddleware(allow_origins=LISTED, allow_credentials=LISTED)
    session = tokens_module().TokenSession()
    stack = [session, library] if session_first_in_list else [library, session]
    app = falcon.App(middleware=stack)
    app.add_route("/invoices", Invoices())
    return falcon_testing.TestClient(app)


def real(test_client: Any, origin: str | None, method: str = "GET") -> dict[str, list[str]]:
    headers = {"Authorization": "Bearer t0ken"}
    if origin is not None:
        headers["Origin"] = origin
    result = test_client.simulate_request(method, "/invoices", headers=headers)
    found: dict[str, list[str]] = {}
    for name, value in result.headers.items():
        if name.lower() in COMPARED:
            found[name.lower()] = [part.strip() for part in value.split(",")]
    return found


def policies() -> dict[str, CorsPolicy]:
    found = {policy.framework: policy for policy in run_lint(PROJECT).policies}
    assert set(found) == {"falcon", "falcon_headers"}
    return found


def modelled(policy: CorsPolicy, origin: str | None, method: str = "GET") -> dict[str, list[str]]:
    request = Request(method, origin, path="/invoices")
    response = (python_headers if policy.framework == "falcon_headers" else falcon_model).respond(
        policy, request
    )
    return {
        name: [part.strip() for part in (response.get(name) or "").split(",")]
        for name in COMPARED
        if response.get(name) is not None
    }


@pytest.mark.parametrize("origin", ORIGINS)
def test_the_session_writes_first_and_its_answer_is_what_is_sent(origin: str) -> None:
    """In the fixture's order the session's `process_response` runs first: its Allow-Origin
    stands for every origin, and CORSMiddleware, finding one, adds none."""
    sent = real(client(session_first_in_list=False), origin)
    assert sent == modelled(policies()["falcon_headers"], origin)
    assert sent["access-control-allow-origin"] == [origin]


def test_capitalised_names_are_never_in_falcons_headers_dict() -> None:
    """Reversed, CORSMiddleware writes first; the session's test still holds (lower-case
    keys), so a listed origin gets two Allow-Origin lines and browsers refuse it."""
    sent = real(client(session_first_in_list=True), LISTED[0])
    assert sent["access-control-allow-origin"] == [LISTED[0], LISTED[0]]


@pytest.mark.parametrize("origin", [*ORIGINS, None])
def test_cors_middleware_answers_carry_the_sessions_vary(origin: str | None) -> None:
    """The Falcon model of the listed CORSMiddleware carries the `Vary: Origin` the session
    writes on every response, as the real stack sends it (so no CORS107)."""
    sent = real(client(session_first_in_list=False), origin)
    assert modelled(policies()["falcon"], origin)["vary"] == sent["vary"] == ["Origin"]


FAQ_PROJECT = FIXTURES / "python_headers" / "falcon_faq_component_first_writer"


def faq_client() -> Any:
    spec = importlib.util.spec_from_file_location("falcon_faq_service", FAQ_PROJECT / "service.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return falcon_testing.TestClient(module.app)


@pytest.mark.parametrize("origin", [*ORIGINS, None])
def test_a_first_writer_finds_no_allow_origin_and_writes_its_own(origin: str | None) -> None:
    """`resp.get_header("Access-Control-Allow-Origin") is None` in the only CORS layer
    (the other middleware in the list writes none) holds on every answer; `req_succeeded`
    is true for a responder that does not raise."""
    (policy,) = [p for p in run_lint(FAQ_PROJECT).policies if p.framework == "falcon_headers"]
    headers = {"Origin": origin} if origin is not None else {}
    sent = faq_client().simulate_get("/timings", headers=headers)
    predicted = python_headers.respond(policy, Request("GET", origin, path="/timings"))
    real_pairs = [(k, v) for k, v in sent.headers.items()]
    assert cors_headers(real_pairs) == cors_headers(list(predicted.headers))
    preflight = {"Origin": origin or "https://evil.example", "Access-Control-Request-Method": "GET"}
    answer = faq_client().simulate_options("/timings", headers=preflight)
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["access-control-max-age"] == "3600"
