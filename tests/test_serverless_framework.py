"""The Serverless Framework's `cors` in serverless.yml: the preflight answer and headers the
model derives, checked against what the framework's own unit tests assert about the
CloudFormation it generates (serverless v3.39.0: api-gateway/lib/cors.test.js,
validate.test.js, http-api.test.js). The cases are written here, not copied: each
states a configuration and the header values those tests pin down for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.serverless_framework.extractor import extract
from corslint.extractors.serverless_framework.handler_files import handler_may_send_cors
from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy

PREFLIGHT = (("access-control-request-method", "PUT"),)


def policies(text: str) -> tuple[CorsPolicy, ...]:
    return extract("serverless.yml", text, ProjectContext()).policies


def rest_event(cors: str, *, path: str = "users/update", method: str = "put", more: str = "") -> str:
    return (
        "service: shop\nprovider:\n  name: aws\nfunctions:\n  one:\n    handler: h.one\n    events:\n"
        f"      - http:\n          path: {path}\n          method: {method}\n          cors: {cors}\n" + more
    )


def preflight(policy: CorsPolicy, origin: str, path: str = "/users/update") -> dict[str, str]:
    response = framework_of(policy).respond(policy, Request("OPTIONS", origin, PREFLIGHT, path=path))
    return {name.lower(): value for name, value in response.headers}


# (cors value, Origin sent, expected preflight headers; None: the header is absent)
REST_CASES = [
    # `cors: true`: origin '*', the default header list, OPTIONS + the event's method
    (
        "true",
        "https://evil.test",
        {
            "access-control-allow-origin": "*",
            "access-control-allow-headers": "Content-Type,X-Amz-Date,Authorization,X-Api-Key,"
            "X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id",
            "access-control-allow-methods": "OPTIONS,PUT",
            "access-control-allow-credentials": None,
            "access-control-max-age": None,
        },
    ),
    # one origin, headers ['*'], max-age and Cache-Control sent as written, credentials off
    (
        "{origin: 'https://shop.example.com', headers: ['*'], maxAge: 3600, cacheControl: 'max-age=60'}",
        "https://evil.test",
        {
            "access-control-allow-origin": "https://shop.example.com",
            "access-control-allow-headers": "*",
            "access-control-max-age": "3600",
            "cache-control": "max-age=60",
            "access-control-allow-credentials": None,
        },
    ),
    # an origins list: the first is the static header; a matching Origin is reflected, the
    # first `*` of an entry standing for `.+`
    (
        "{origins: ['http://localhost:5173', 'https://*.example.com'], allowCredentials: true}",
        "https://admin.example.com",
        {
            "access-control-allow-origin": "https://admin.example.com",
            "access-control-allow-credentials": "true",
        },
    ),
    (
        "{origins: ['http://localhost:5173', 'https://*.example.com'], allowCredentials: true}",
        "https://example.com.evil.test",
        {"access-control-allow-origin": "http://localhost:5173"},
    ),
    # `origins: ['*']` becomes `.+` in the template: every Origin is reflected
    ("{origins: ['*']}", "https://evil.test", {"access-control-allow-origin": "https://evil.test"}),
    # a comma list in `origin` is split into origins
    (
        "{origin: 'https://a.example.com, https://b.example.com'}",
        "https://b.example.com",
        {"access-control-allow-origin": "https://b.example.com"},
    ),
    # custom headers replace the default list; one string is a list of one
    ("{headers: X-Tenant}", "https://evil.test", {"access-control-allow-headers": "X-Tenant"}),
]


@pytest.mark.parametrize(("cors", "origin", "expected"), REST_CASES)
def test_rest_preflight_headers(cors: str, origin: str, expected: dict[str, str | None]) -> None:
    (policy,) = policies(rest_event(cors))
    sent = preflight(policy, origin)
    for name, value in expected.items():
        assert sent.get(name) == value, name


def test_rest_any_method_expands() -> None:
    (policy,) = policies(rest_event("true", method="any"))
    assert preflight(policy, "https://x.test")["access-control-allow-methods"] == (
        "OPTIONS,DELETE,GET,HEAD,PATCH,POST,PUT"
    )


def test_rest_methods_merge_per_path() -> None:
    more = "  two:\n    handler: h.two\n    events:\n      - http:\n          path: users/update\n          method: delete\n          cors: true\n"
    first, second = policies(rest_event("true", more=more))
    for policy in (first, second):
        assert preflight(policy, "https://x.test")["access-control-allow-methods"] == "OPTIONS,DELETE,PUT"


def test_rest_no_cors_no_policy() -> None:
    assert policies(rest_event("false")) == ()


def http_api(cors: str, routes: str = "'GET /notes'\n      - httpApi: 'POST /notes'") -> str:
    return (
        f"provider:\n  name: aws\n  httpApi:\n    cors: {cors}\n"
        f"functions:\n  notes:\n    handler: h.notes\n    events:\n      - httpApi: {routes}\n"
    )


def http_api_answer(policy: CorsPolicy, origin: str, *, preflight: bool) -> dict[str, str]:
    request = Request("OPTIONS", origin, PREFLIGHT) if preflight else Request("GET", origin)
    response = framework_of(policy).respond(policy, request)
    return {name.lower(): value for name, value in response.headers}


def test_http_api_true() -> None:
    (policy,) = policies(http_api("true"))
    sent = http_api_answer(policy, "https://evil.test", preflight=True)
    assert sent["access-control-allow-origin"] == "*"
    assert sent["access-control-allow-methods"] == "OPTIONS,GET,POST"  # used methods only
    assert "Content-Type" in sent["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in sent
    assert "access-control-max-age" not in sent
    assert http_api_answer(policy, "https://evil.test", preflight=False)["access-control-allow-origin"] == "*"


def test_http_api_catch_all_allows_every_method() -> None:
    (policy,) = policies(http_api("true", routes="'*'"))
    methods = http_api_answer(policy, "https://x.test", preflight=True)["access-control-allow-methods"]
    assert sorted(methods.split(",")) == sorted(["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE"])


def test_http_api_object_one_origin_and_exposed() -> None:
    cors = "\n      allowedOrigins: https://notes.example.com\n      exposedResponseHeaders: [Content-Length, X-Revision]"
    (policy,) = policies(http_api(cors))
    allowed = http_api_answer(policy, "https://notes.example.com", preflight=False)
    assert allowed["access-control-allow-origin"] == "https://notes.example.com"
    assert allowed["access-control-expose-headers"] == "Content-Length,X-Revision"
    assert "access-control-allow-origin" not in http_api_answer(policy, "https://evil.test", preflight=False)


def test_http_api_object_defaults_origin_and_keeps_methods() -> None:
    cors = "\n      allowCredentials: true\n      allowedHeaders: [Authorization]\n      allowedMethods: [GET]\n      maxAge: 300"
    (policy,) = policies(http_api(cors))
    sent = http_api_answer(policy, "https://x.test", preflight=True)
    assert sent["access-control-allow-origin"] == "*"  # allowedOrigins falls back to '*'
    assert sent["access-control-allow-credentials"] == "true"
    assert sent["access-control-allow-headers"] == "Authorization"
    assert sent["access-control-allow-methods"] == "GET"
    assert sent["access-control-max-age"] == "300"


VARIABLES = """\
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
custom:
  origins:
    dev: http://localhost:3000
    prod: https://app.example.com
  apex: example.com
functions:
  one:
    handler: h.one
    events:
      - http:
          path: a
          method: get
          cors:
            origin: ${self:custom.origins.${self:provider.stage}}
      - http:
          path: b
          method: get
          cors:
            origin: ${env:CORS_ORIGIN, '*'}
      - http:
          path: c
          method: get
          cors:
            origin: https://shop.${self:custom.apex}
      - http:
          path: d
          method: get
          cors:
            origin: ${ssm:/shop/cors-origin}
      - http:
          path: e
          method: get
          cors:
            origin: !Ref CorsOrigin
"""


def test_variables() -> None:
    a, b, c, d, e = policies(VARIABLES)
    assert a.options["origin"].plain() == "https://app.example.com"
    assert b.options["origin"].plain() == "*"
    assert b.options["origin"].env_var == "CORS_ORIGIN"
    assert c.options["origin"].plain() == "https://shop.example.com"
    assert not d.options["origin"].known
    assert not e.options["origin"].known


def test_tab_on_blank_line_is_read() -> None:
    text = rest_event("true").replace("functions:\n", "functions:\n  \t\n")
    assert len(policies(text)) == 1


def test_handler_sources_are_followed_one_import_deep(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "http.py").write_text(
        'def ok(body):\n    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": body}\n'
    )
    (tmp_path / "api.py").write_text(
        "from lib.http import ok\n\n\ndef main(event, context):\n    return ok('{}')\n"
    )
    (tmp_path / "plain.py").write_text("def main(event, context):\n    return {'statusCode': 204}\n")
    assert handler_may_send_cors(str(tmp_path), "api.main") is True
    assert handler_may_send_cors(str(tmp_path), "plain.main") is False
    assert handler_may_send_cors(str(tmp_path), "dist/bundle.main") is None


def test_handler_without_cors_headers_sends_none(tmp_path: Path) -> None:
    (tmp_path / "render.js").write_text(
        "module.exports.handler = async () => ({ statusCode: 200, body: '' });\n"
    )
    text = rest_event("true").replace("handler: h.one", "handler: render.handler")
    (path := tmp_path / "serverless.yml").write_text(text)
    (policy,) = extract(str(path), text, ProjectContext()).policies
    response = framework_of(policy).respond(policy, Request("POST", "https://x.test", path="/users/update"))
    assert response.get("access-control-allow-origin") is None
    assert preflight(policy, "https://x.test")["access-control-allow-origin"] == "*"
