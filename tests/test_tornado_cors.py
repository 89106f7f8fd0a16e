"""corslint's tornado-cors model against answers measured from the real `tornado_cors`.

tornado-cors 0.6.0 imports `tornado.web.asynchronous`, which Tornado 6 removed, so it
cannot run beside the suite's Tornado 6.6: it was run in a separate virtualenv (Tornado
5.1.1 with tornado-cors 0.6.0, Python 3.11 with the `collections` ABC aliases restored)
on handlers defining the listed methods, and its CORS headers for each request are kept
below; the model must give the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.tornado_cors import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route, Value

HERE = Location.point("synthetic.py", 1)
# (the handler's CORS_* attributes, its methods, method, request headers, status, CORS headers sent)
MEASURED: list[tuple[dict[str, Any], tuple[str, ...], str, dict[str, str], int, dict[str, str]]] = [
    (
        {"CORS_ORIGIN": "*"},
        ("get", "post"),
        "GET",
        {"Origin": "https://attacker.invalid"},
        200,
        {"access-control-allow-origin": "*"},
    ),
    ({"CORS_ORIGIN": "*"}, ("get", "post"), "GET", {}, 200, {"access-control-allow-origin": "*"}),
    (
        {"CORS_ORIGIN": "*"},
        ("get", "post"),
        "OPTIONS",
        {
            "Origin": "https://attacker.invalid",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
        204,
        {
            "access-control-allow-origin": "*",
            "access-control-allow-methods": "GET, POST, OPTIONS",
            "access-control-max-age": "86400",
        },
    ),
    (
        {
            "CORS_ORIGIN": "*",
            "CORS_HEADERS": "Content-Type",
            "CORS_METHODS": "POST",
            "CORS_CREDENTIALS": True,
        },
        ("post",),
        "GET",
        {"Origin": "https://attacker.invalid"},
        405,
        {"access-control-allow-origin": "*"},
    ),
    (
        {
            "CORS_ORIGIN": "*",
            "CORS_HEADERS": "Content-Type",
            "CORS_METHODS": "POST",
            "CORS_CREDENTIALS": True,
        },
        ("post",),
        "GET",
        {},
        405,
        {"access-control-allow-origin": "*"},
    ),
    (
        {
            "CORS_ORIGIN": "*",
            "CORS_HEADERS": "Content-Type",
            "CORS_METHODS": "POST",
            "CORS_CREDENTIALS": True,
        },
        ("post",),
        "OPTIONS",
        {
            "Origin": "https://attacker.invalid",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
        204,
        {
            "access-control-allow-origin": "*",
            "access-control-allow-headers": "Content-Type",
            "access-control-allow-methods": "POST",
            "access-control-allow-credentials": "true",
            "access-control-max-age": "86400",
        },
    ),
    (
        {
            "CORS_ORIGIN": "https://app.example.com",
            "CORS_CREDENTIALS": False,
            "CORS_MAX_AGE": 600,
            "CORS_EXPOSE_HEADERS": "X-Total",
        },
        ("get", "put", "delete"),
        "GET",
        {"Origin": "https://attacker.invalid"},
        200,
        {
            "access-control-allow-origin": "https://app.example.com",
            "access-control-expose-headers": "X-Total",
        },
    ),
    (
        {
            "CORS_ORIGIN": "https://app.example.com",
            "CORS_CREDENTIALS": False,
            "CORS_MAX_AGE": 600,
            "CORS_EXPOSE_HEADERS": "X-Total",
        },
        ("get", "put", "delete"),
        "GET",
        {},
        200,
        {
            "access-control-allow-origin": "https://app.example.com",
            "access-control-expose-headers": "X-Total",
        },
    ),
    (
        {
            "CORS_ORIGIN": "https://app.example.com",
            "CORS_CREDENTIALS": False,
            "CORS_MAX_AGE": 600,
            "CORS_EXPOSE_HEADERS": "X-Total",
        },
        ("get", "put", "delete"),
        "OPTIONS",
        {
            "Origin": "https://attacker.invalid",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
        204,
        {
            "access-control-allow-origin": "https://app.example.com",
            "access-control-expose-headers": "X-Total",
            "access-control-allow-methods": "GET, DELETE, PUT, OPTIONS",
            "access-control-allow-credentials": "false",
            "access-control-max-age": "600",
        },
    ),
]


@pytest.mark.parametrize(("attributes", "methods", "method", "headers", "status", "sent"), MEASURED)
def test_model_gives_what_tornado_cors_sent(
    attributes: dict[str, Any],
    methods: tuple[str, ...],
    method: str,
    headers: dict[str, str],
    status: int,
    sent: dict[str, str],
) -> None:
    policy = CorsPolicy(
        "tornado_cors",
        HERE,
        {name: Value(raw, HERE) for name, raw in attributes.items()},
        routes=(Route("/items", tuple(m.upper() for m in methods), HERE),),
    )
    lowered = {name.lower(): value for name, value in headers.items()}
    origin = lowered.pop("origin", None)
    predicted = respond(policy, Request(method, origin, tuple(lowered.items()), "/items"))
    assert (predicted.status or 200) == status
    assert {
        name.lower(): value for name, value in predicted.headers if name.lower().startswith("access-control")
    } == sent
