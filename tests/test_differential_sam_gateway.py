"""AWS SAM routes: what corslint reads of a template for API Gateway's own OPTIONS answer
(extractors/aws_sam/gateway_service.py) against the API the real SAM translator
(aws-sam-translator) generates from it.

Where corslint reads the routes, the generated OpenAPI body has exactly those methods and
paths, no `options` method and no `x-amazon-apigateway-cors`: API Gateway answers a REST
preflight 403 and an HTTP API one 404 itself. Where corslint reads nothing (None), the
generated body has a route that takes OPTIONS (`x-amazon-apigateway-any-method`, `$default`)
or a CORS answer of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.aws_sam.gateway_service import read_sam_service
from tests.test_differential_aws_sam import FIXTURES, _translate

TEMPLATES = (
    "rest_lambda_headers_no_cors",
    "http_api_python_lambda_no_cors",
    "http_api_catch_all_lambda_headers_clean",
    "node_rest_allowlist_credentials",  # an API with Cors
    "http_api_globals_true",
)
_ANY = "x-amazon-apigateway-any-method"


def _generated(output: dict[str, Any]) -> tuple[set[str], bool]:
    """The method-and-path pairs of every generated API, and whether one may answer or
    pass on OPTIONS (an OPTIONS or any-method route, a CORS configuration)."""
    routes: set[str] = set()
    takes_options = False
    for resource in output["Resources"].values():
        if resource["Type"] not in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            continue
        body = resource["Properties"].get("Body", {})
        takes_options |= "x-amazon-apigateway-cors" in body or "CorsConfiguration" in resource["Properties"]
        for path, item in body.get("paths", {}).items():
            for method in item:
                if method in ("options", _ANY) or path == "$default":
                    takes_options = True
                elif not method.startswith("x-"):
                    routes.add(f"{method.upper()} {path}")
    return routes, takes_options


@pytest.mark.parametrize("name", TEMPLATES)
def test_routes_read_are_the_generated_routes(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    template = next(p for p in (FIXTURES / name).iterdir() if p.name in ("template.yaml", "template.yml"))
    routes, takes_options = _generated(_translate(template.read_text(), monkeypatch))
    service = read_sam_service(str(template))
    if service is None:
        assert takes_options, routes
        return
    assert not takes_options
    read = {f"{e.method} {e.path}" for f in service.functions for e in f.events if e.kind}
    assert read == routes


def test_the_fixtures_without_cors_are_read(tmp_path: Path) -> None:
    for name in ("rest_lambda_headers_no_cors", "http_api_python_lambda_no_cors"):
        assert read_sam_service(str(FIXTURES / name / "template.yaml")) is not None, name
