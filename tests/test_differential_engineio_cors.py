"""Differential truth: corslint's model of python-engineio's CORS handling against the real
python-engineio 4.15.1 under python-socketio 5.18.1 (the server Flask-SocketIO 5.7.0 makes
from its keyword arguments). Each Socket.IO fixture policy, plus edge cases, becomes
`socketio.Server(**options)` behind `socketio.WSGIApp`; the probe battery is sent to the
long-polling endpoint as a browser's Engine.IO client would (`?EIO=4&transport=polling`)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from corslint.frameworks.engineio_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

socketio = pytest.importorskip("socketio")

HERE = Location.point("synthetic.py", 1)


def real_app(policy: CorsPolicy) -> Any:
    options = {name: value.plain() for name, value in policy.options.items()}
    for name, value in options.items():
        if isinstance(value, tuple):
            options[name] = list(value)
    return socketio.WSGIApp(socketio.Server(**options))


def send(app: Any, request: Request) -> tuple[int, list[tuple[str, str]]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": "/socket.io/",
        "QUERY_STRING": "EIO=4&transport=polling",
        "SERVER_NAME": "chat.internal",
        "SERVER_PORT": "80",
        "HTTP_HOST": "chat.internal",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    if request.origin is not None:
        environ["HTTP_ORIGIN"] = request.origin
    for name, value in request.headers:
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "CONTENT_LENGTH"} else "HTTP_" + key] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["lines"] = int(status.split()[0]), lines

    b"".join(app(environ, start_response))
    return answer["status"], answer["lines"]


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, list):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "engineio", HERE, {name: wrap(raw) for name, raw in options.items()}, probe_path="/socket.io/"
    )


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = []
    for project in sorted((FIXTURES / "socketio").iterdir()):
        for policy in run_lint(project).policies:
            if policy.framework == "engineio":
                found.append((f"{project.name}:{policy.location.line}", policy))
    return found


SYNTHETIC = {
    "defaults": synthetic(),
    "one-origin-string": synthetic(cors_allowed_origins="https://a.example.com"),
    "star-in-list-no-credentials": synthetic(cors_allowed_origins=["*"], cors_credentials=False),
    "off": synthetic(cors_allowed_origins=[]),
}
POLICIES = fixture_policies() + sorted(SYNTHETIC.items())


@pytest.mark.parametrize(("name", "policy"), POLICIES, ids=[name for name, _ in POLICIES])
def test_model_matches_real_engineio(name: str, policy: CorsPolicy) -> None:
    app = real_app(policy)
    requests = battery(policy)
    assert len(requests) > 20
    for request in requests:
        if request.method not in {"GET", "OPTIONS"}:
            continue  # a POST needs a session: the handshake (GET) stands for the simple requests
        predicted = respond(policy, request)
        status, lines = send(app, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert status == (predicted.status or 200), where
        assert cors_headers(lines) == cors_headers(list(predicted.headers)), where
