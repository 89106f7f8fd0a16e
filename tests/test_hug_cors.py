"""corslint's hug CORSMiddleware model against answers measured from the real hug.

hug 2.6.1 pins falcon 2.0.0, which cannot share an environment with the falcon 4 this
suite tests, so the real middleware was run in a separate virtualenv (hug 2.6.1, falcon
2.0.0, Python 3.11) on an API serving GET and POST `/items`; its CORS headers for each
case are kept below (Allow-Methods sorted: hug lists a `set`), and the model must give
the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.hug_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value

HERE = Location.point("synthetic.py", 1)
ROUTES = (Route("/items", ("GET",), HERE), Route("/items", ("POST",), HERE))
# (CORSMiddleware options, method, request headers, status, the CORS headers hug sent)
MEASURED: list[tuple[dict[str, Any], str, dict[str, str], int, dict[str, str]]] = [
    (
        {},
        "GET",
        {"Origin": "https://attacker.invalid"},
        200,
        {
            "access-control-allow-credentials": "true",
            "access-control-allow-origin": "https://attacker.invalid",
        },
    ),
    ({}, "GET", {}, 200, {"access-control-allow-credentials": "true", "access-control-allow-origin": "None"}),
    (
        {},
        "OPTIONS",
        {
            "Origin": "https://attacker.invalid",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        200,
        {
            "access-control-allow-credentials": "true",
            "access-control-allow-origin": "https://attacker.invalid",
            "access-control-allow-methods": "GET, OPTIONS, POST",
            "access-control-allow-headers": "authorization, content-type",
        },
    ),
    (
        {"max_age": 10},
        "OPTIONS",
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
        200,
        {
            "access-control-allow-credentials": "true",
            "access-control-allow-origin": "https://app.example.com",
            "access-control-allow-methods": "GET, OPTIONS, POST",
            "access-control-allow-headers": "",
            "access-control-max-age": "10",
        },
    ),
    (
        {"allow_origins": ["https://app.example.com"], "allow_credentials": False},
        "GET",
        {"Origin": "https://attacker.invalid"},
        200,
        {"access-control-allow-credentials": "false"},
    ),
    (
        {"allow_origins": ["https://app.example.com"], "allow_credentials": False},
        "GET",
        {"Origin": "https://app.example.com"},
        200,
        {
            "access-control-allow-credentials": "false",
            "access-control-allow-origin": "https://app.example.com",
        },
    ),
    (
        {"allow_origins": "https://app.example.com"},
        "GET",
        {"Origin": "https://app.example.co"},
        200,
        {"access-control-allow-credentials": "true", "access-control-allow-origin": "https://app.example.co"},
    ),
    (
        {"allow_origins": ["https://app.example.com"], "max_age": 0},
        "OPTIONS",
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"},
        200,
        {
            "access-control-allow-credentials": "true",
            "access-control-allow-origin": "https://app.example.com",
            "access-control-allow-methods": "GET, OPTIONS, POST",
            "access-control-allow-headers": "",
        },
    ),
]


def policy_of(options: dict[str, Any]) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, list):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(
        "hug_cors",
        HERE,
        {name: wrap(raw) for name, raw in options.items()},
        routes=ROUTES,
        probe_path="/items",
    )


@pytest.mark.parametrize(("options", "method", "headers", "status", "sent"), MEASURED)
def test_model_gives_what_hug_sent(
    options: dict[str, Any], method: str, headers: dict[str, str], status: int, sent: dict[str, str]
) -> None:
    lowered = {name.lower(): value for name, value in headers.items()}
    origin = lowered.pop("origin", None)
    request = Request(method, origin, tuple(lowered.items()), "/items")
    predicted = respond(policy_of(options), request)
    assert (predicted.status or 200) == status
    assert {
        name.lower(): value for name, value in predicted.headers if name.lower().startswith("access-control")
    } == sent
