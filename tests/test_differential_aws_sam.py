"""AWS SAM templates: corslint's model against the real SAM translator (aws-sam-translator).

Each fixture template (and a few written here) is run through the translator, the way
`sam deploy` does it. For a REST API, the generated OPTIONS method is a MOCK integration
whose `responseParameters` are the exact preflight headers API Gateway sends, whatever the
request: the model's answer to preflights from several origins, for several methods and
request headers, must carry the same CORS headers. For an HTTP API, the generated
`x-amazon-apigateway-cors` must hold what the model reads (API Gateway then applies it
itself). Templates the translator refuses must be the ones corslint reports as such.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from corslint.engine import every_rule, judge, single_policy_rules
from corslint.extractors.aws_sam.extractor import extract
from corslint.extractors.context import ProjectContext
from corslint.frameworks.aws_sam import _as_http_api, mapping_literal, respond_rest
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError

FIXTURES = Path(__file__).parent / "fixtures" / "aws_sam"
ORIGINS = ("https://portal.clinic.example", "https://evil.test", "null")
REQUESTS = (
    (("access-control-request-method", "GET"),),
    (("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")),
    (("access-control-request-method", "DELETE"), ("access-control-request-headers", "authorization")),
)
PARAMETER = "method.response.header."


class _NoManagedPolicies:
    """The translator's IAM policy loader; these templates name no managed policy."""

    def load(self) -> dict[str, str]:
        return {}


def _translate(text: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    template = yaml_parse(text)
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if isinstance(properties.get("CodeUri"), str) and not properties["CodeUri"].startswith("s3://"):
            properties["CodeUri"] = "s3://artifacts/code.zip"  # what `sam package` puts there
    globals_function = template.get("Globals", {}).get("Function", {})
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = "s3://artifacts/code.zip"
    output: dict[str, Any] = transform(copy.deepcopy(template), {}, _NoManagedPolicies())
    return output


def _policies(path: str, text: str) -> dict[str, CorsPolicy]:
    found = extract(path, text, ProjectContext()).policies
    return {policy.label.rpartition(" ")[2]: policy for policy in found}


def _cors_headers(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers if name.lower().startswith("access-control-")}


def _mock_preflights(output: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(REST API logical id, path) -> the OPTIONS mock's header values, as the translator wrote them."""
    found = {}
    for name, resource in output["Resources"].items():
        if resource["Type"] != "AWS::ApiGateway::RestApi":
            continue
        for path, item in resource["Properties"]["Body"]["paths"].items():
            options = item.get("options", {})
            integration = options.get("x-amazon-apigateway-integration", {})
            if integration.get("type") != "mock":
                continue
            default = integration["responses"]["default"]
            assert default["statusCode"] == "200"
            parameters = default["responseParameters"]
            found[(name, path)] = {
                key[len(PARAMETER) :].lower(): value
                for key, value in parameters.items()
                if key.startswith(PARAMETER)
            }
    return found


def _deployed(value: Any, defaults: dict[str, Any]) -> str | None:
    """What CloudFormation puts in place of an intrinsic when every stack parameter it
    names keeps its Default; None where that is not decided by the template alone."""
    if not isinstance(value, dict):
        return str(value)
    if set(value) == {"Ref"}:
        return str(defaults[value["Ref"]]) if value["Ref"] in defaults else None
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        names = re.findall(r"\$\{([^}!]*)\}", value["Fn::Sub"])
        if not all(name in defaults for name in names):
            return None
        return re.sub(r"\$\{([^}!]*)\}", lambda match: str(defaults[match.group(1)]), value["Fn::Sub"])
    return None


def _compare_rest(path: str, text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    output = _translate(text, monkeypatch)
    parameters = yaml_parse(text).get("Parameters", {})
    defaults = {name: p["Default"] for name, p in parameters.items() if "Default" in p}
    policies = _policies(path, text)
    compared = 0
    for (api, api_path), sent in _mock_preflights(output).items():
        policy = policies[api]
        deployed = {name: _deployed(value, defaults) for name, value in sent.items()}
        for origin in ORIGINS:
            for headers in REQUESTS:
                request = Request("OPTIONS", origin, headers, path=api_path)
                compared += 1
                if None in deployed.values():  # decided at deploy time: the model does not guess
                    with pytest.raises(UnresolvedValueError):
                        respond_rest(policy, request)
                    continue
                response = respond_rest(policy, request)
                assert response.status == 200
                expected = {name: mapping_literal(value) for name, value in deployed.items()}
                assert _cors_headers(response.headers) == expected, (api, api_path, origin)
    return compared


REST_FIXTURES = (
    "python_rest_globals_wildcard",
    "node_rest_allowlist_credentials",
    "string_shorthand_json_post",
    "unknown_ref_origin",
    "cognito_wildcard_headers",
    "parameter_default_origin",
    "cognito_authorized_preflight",
    "api_key_preflight",
)


@pytest.mark.parametrize("fixture", REST_FIXTURES)
def test_rest_preflight_matches_the_translators_mock(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / fixture / "template.yaml"
    assert _compare_rest(str(path), path.read_text(), monkeypatch) > 0


# an inline DefinitionBody (events add no path to it) with a trailing-slash twin; an API
# SAM writes itself from events: ANY, path parameters, two methods on one path; Globals
# merged under each API's own map
INLINE_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors:
      AllowOrigin: "'https://shop.example'"
      AllowHeaders: "'Content-Type'"
Resources:
  ShopApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
      Cors:
        MaxAge: 300
        AllowCredentials: "'true'"
      DefinitionBody:
        swagger: '2.0'
        info: {title: shop}
        paths:
          /health:
            get:
              responses: {}
          /carts/:
            patch:
              responses: {}
          /carts:
            get:
              responses: {}
  BackofficeApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
      Cors:
        AllowOrigin: "'https://backoffice.shop.example'"
        AllowCredentials: true
  CartFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: cart/
      Handler: cart.handler
      Runtime: python3.12
      Events:
        Carts:
          Type: Api
          Properties: {RestApiId: !Ref ShopApi, Path: /carts, Method: get}
        Item:
          Type: Api
          Properties: {RestApiId: !Ref BackofficeApi, Path: '/carts/{cartId}/items/{itemId}', Method: ANY}
        Checkout:
          Type: Api
          Properties: {RestApiId: !Ref BackofficeApi, Path: /checkout, Method: post}
        CheckoutDelete:
          Type: Api
          Properties: {RestApiId: !Ref BackofficeApi, Path: /checkout, Method: delete}
"""


def test_rest_default_methods_per_path_and_globals_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _compare_rest("template.yaml", INLINE_TEMPLATE, monkeypatch) == 4 * len(ORIGINS) * len(REQUESTS)


def test_http_api_configuration_matches_the_translator(monkeypatch: pytest.MonkeyPatch) -> None:
    for fixture, name in (
        ("http_api_localhost_credentials/template.yaml", "InventoryHttpApi"),
        ("http_api_globals_true/template.yml", "ServerlessHttpApi"),
    ):
        path = FIXTURES / fixture
        text = path.read_text()
        output = _translate(text, monkeypatch)
        cors = output["Resources"][name]["Properties"]["Body"]["x-amazon-apigateway-cors"]
        policy = _as_http_api(_policies(str(path), text)[name])
        read = {name: value.plain() for name, value in policy.options.items()}
        assert list(read["allowedOrigins"]) == cors["allowOrigins"]
        assert list(read["allowedHeaders"]) == cors.get("allowHeaders", [])
        if "allowMethods" in cors:
            assert list(read["allowedMethods"]) == cors["allowMethods"]
        assert list(read.get("exposedResponseHeaders", ())) == cors.get("exposeHeaders", [])
        assert read.get("maxAge") == cors.get("maxAge")
        assert bool(read.get("allowCredentials")) == cors.get("allowCredentials", False)


@pytest.mark.parametrize(
    ("fixture", "refusal", "rule"),
    [
        ("wildcard_credentials_refused", "'AllowCredentials' can not be true", "CORS201"),
        ("rest_cors_key_typo", "Invalid key 'AllowOrigins' for 'Cors' property", "CORS307"),
    ],
)
def test_templates_the_translator_refuses(
    fixture: str, refusal: str, rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = FIXTURES / fixture / "template.yaml"
    text = path.read_text()
    with pytest.raises(InvalidDocumentException) as raised:
        _translate(text, monkeypatch)
    assert any(refusal in cause.message for cause in raised.value.causes)
    found = judge(extract(str(path), text, ProjectContext()).policies, single_policy_rules(every_rule))
    assert rule in {finding.rule_id for finding in found}


@pytest.mark.parametrize(
    "fixture", ["cognito_authorized_preflight", "cognito_wildcard_headers", "api_key_preflight"]
)
def test_authorized_preflight_matches_the_translators_options_security(
    fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = FIXTURES / fixture / "template.yaml"
    text = path.read_text()
    output = _translate(text, monkeypatch)
    for name, policy in _policies(str(path), text).items():
        paths = output["Resources"][name]["Properties"]["Body"]["paths"]
        guarded = {bool(item["options"].get("security")) for item in paths.values() if "options" in item}
        reported = any(evidence.kind == "misordered" for evidence in policy.evidence)
        assert guarded == {reported}, (fixture, name)


def test_function_url_cors_is_passed_through_as_read(monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "function_url_public" / "template.yaml"
    text = path.read_text()
    output = _translate(text, monkeypatch)
    cors = output["Resources"]["ContactFormFunctionUrl"]["Properties"]["Cors"]
    policy = _policies(str(path), text)["ContactFormFunction"]
    read = {name: value.plain() for name, value in policy.options.items()}
    assert {name: list(value) if isinstance(value, tuple) else value for name, value in read.items()} == cors


def test_function_url_cors_keys_the_translator_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        (FIXTURES / "function_url_public" / "template.yaml").read_text().replace("MaxAge:", "MaxAgeSeconds:")
    )
    with pytest.raises(InvalidDocumentException) as raised:
        _translate(text, monkeypatch)
    assert any("MaxAgeSeconds is not a valid property" in cause.message for cause in raised.value.causes)
    found = judge(extract("template.yaml", text, ProjectContext()).policies, single_policy_rules(every_rule))
    assert [finding.rule_id for finding in found] == ["CORS307"]
