"""AWS SAM templates: what the extractor reads and the model answers, case by case (the
generated preflights themselves are compared with the real translator in
tests/test_differential_aws_sam.py)."""

from __future__ import annotations

from pathlib import Path

from corslint.engine import every_rule, judge, single_policy_rules
from corslint.extractors.aws_sam.extractor import bearer_auth, extract, is_sam_template
from corslint.extractors.aws_sam.parameters import StackParameters
from corslint.extractors.context import ProjectContext
from corslint.extractors.serverless_framework.yaml_document import read_document
from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
FUNCTION = """\
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: {handler}
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {{RestApiId: {api}, Path: /items, Method: get}}
"""


def template(
    api_properties: str, *, api: str = "!Ref Api", code: str = "s3://b/k.zip", handler: str = "h.f"
) -> str:
    return (
        HEAD
        + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        + "".join(f"      {line}\n" for line in api_properties.splitlines())
        + FUNCTION.format(code=code, handler=handler, api=api)
    )


def policies(text: str, path: str = "template.yaml") -> tuple[CorsPolicy, ...]:
    return extract(path, text, ProjectContext()).policies


def rules_fired(text: str, path: str = "template.yaml") -> set[str]:
    found = judge(policies(text, path), single_policy_rules(every_rule))
    return {finding.rule_id for finding in found}


def answer(policy: CorsPolicy, method: str, origin: str = "https://a.example") -> dict[str, str]:
    headers = (("access-control-request-method", "GET"),) if method == "OPTIONS" else ()
    response = framework_of(policy).respond(policy, Request(method, origin, headers, path="/items"))
    return {name.lower(): value for name, value in response.headers}


def test_only_cloudformation_templates_are_read() -> None:
    assert is_sam_template("template.yaml", b"awstemplateformatversion: '2010-09-09'\n")
    assert is_sam_template("template.yml", b"transform: aws::serverless-2016-10-31\n")
    assert not is_sam_template("template.yaml", b"name: my-helm-chart\ncors: true\n")
    assert policies("Cors: \"'*'\"\n") == ()  # no Resources: not a template


def test_string_cors_is_allow_origin_alone_and_no_allow_headers() -> None:
    (policy,) = policies(template("Cors: \"'https://a.example'\""))
    assert answer(policy, "OPTIONS") == {
        "access-control-allow-origin": "https://a.example",
        "access-control-allow-methods": "GET,OPTIONS",
    }
    assert answer(policy, "GET") == {"access-control-allow-origin": "https://a.example"}


def test_credentials_only_for_the_boolean_true() -> None:
    quoted = "Cors:\n  AllowOrigin: \"'https://a.example'\"\n  AllowCredentials: \"'true'\""
    (policy,) = policies(template(quoted))
    assert "access-control-allow-credentials" not in answer(policy, "OPTIONS")
    (policy,) = policies(template(quoted.replace("\"'true'\"", "true")))
    assert answer(policy, "OPTIONS")["access-control-allow-credentials"] == "true"


def test_long_form_ref_names_the_api_and_unknown_values_are_cors305() -> None:
    text = template("Cors:\n  AllowOrigin:\n    Fn::Sub: \"'https://${Domain}'\"", api="{Ref: Api}")
    (policy,) = policies(text)
    assert policy.routes is not None and policy.routes[0].path == "/items"
    assert "CORS305" in rules_fired(text)


def test_a_lambda_that_never_mentions_cors_sends_no_allow_origin(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "h.py").write_text("def f(event, context):\n    return {'statusCode': 200}\n")
    text = template("Cors: \"'*'\"", code="svc/", handler="h.f")
    (policy,) = policies(text, str(tmp_path / "template.yaml"))
    assert answer(policy, "GET") == {}
    assert answer(policy, "OPTIONS")["access-control-allow-origin"] == "*"


def test_definition_uri_makes_the_translator_refuse_cors() -> None:
    text = template("DefinitionUri: ./openapi.yaml\nCors: \"'*'\"")
    (policy,) = policies(text)
    assert [evidence.kind for evidence in policy.evidence] == ["not-applied"]
    assert "CORS303" in rules_fired(text)


def test_globals_cover_the_implicit_api_and_explicit_maps_merge_over_them() -> None:
    text = (
        HEAD
        + "Globals:\n  Api:\n    Cors:\n      AllowOrigin: \"'https://a.example'\"\n      MaxAge: 60\n"
        + "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        + "      Cors:\n        AllowHeaders: \"'Content-Type'\"\n"
        + FUNCTION.format(code="s3://b/k.zip", handler="h.f", api="!Ref Api")
        + FUNCTION.replace("Fn:", "Other:").format(code="s3://b/k.zip", handler="h.f", api="null")
    )
    found = {policy.label: policy for policy in policies(text.replace("RestApiId: null, ", ""))}
    assert set(found) == {"AWS SAM API Api", "AWS SAM API ServerlessRestApi"}
    explicit = answer(found["AWS SAM API Api"], "OPTIONS")
    assert explicit["access-control-allow-headers"] == "Content-Type"
    assert explicit["access-control-max-age"] == "60"
    assert "access-control-allow-headers" not in answer(found["AWS SAM API ServerlessRestApi"], "OPTIONS")


def test_http_api_true_allows_any_origin_and_no_request_header() -> None:
    text = (
        HEAD
        + "Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration: true\n"
    )
    (policy,) = policies(text)
    preflight = answer(policy, "OPTIONS", "https://evil.test")
    assert preflight["access-control-allow-origin"] == "*"
    assert preflight["access-control-allow-headers"] == ""
    assert rules_fired(text) >= {"CORS105"}


def test_authorizers_reading_the_authorization_header_are_bearer_auth() -> None:
    def kinds(auth: str) -> list[str]:
        return [evidence.kind for evidence in bearer_auth(read_document("template.yaml", auth))]

    cognito = "DefaultAuthorizer: Pool\nAuthorizers:\n  Pool: {UserPoolArn: arn}\n"
    assert kinds(cognito) == ["bearer-auth"]
    jwt = "DefaultAuthorizer: Jwt\nAuthorizers:\n  Jwt: {IdentitySource: $request.header.Authorization}\n"
    assert kinds(jwt) == ["bearer-auth"]
    assert (
        kinds(cognito.replace("{UserPoolArn: arn}", "{UserPoolArn: arn, Identity: {Header: X-Token}}")) == []
    )
    assert kinds("DefaultAuthorizer: AWS_IAM\n") == []
    request = "DefaultAuthorizer: L\nAuthorizers:\n  L: {FunctionArn: arn, FunctionPayloadType: REQUEST}\n"
    assert kinds(request) == []


def test_stack_parameter_defaults_resolve_refs_and_subs() -> None:
    root = read_document(
        "template.yaml",
        "Parameters:\n  Site: {Type: String, Default: app.example}\n  Bare: {Type: String}\n"
        "Values:\n"
        "  - !Sub \"'https://${Site}'\"\n"
        "  - !Ref Site\n"
        "  - {Ref: Site}\n"
        "  - !Sub \"'https://${Site}.${AWS::Region}'\"\n"
        "  - !Ref Bare\n"
        "  - !GetAtt Distribution.DomainName\n"
        "  - {'Fn::Sub': \"'${!Stage}-${Site}'\"}\n",
    )
    assert root is not None
    parameters = StackParameters(root)
    values = root.raw["Values"].raw
    resolved = [parameters.resolve(value) for value in values]
    assert [value.raw for value in resolved[:3]] == ["'https://app.example'", "app.example", "app.example"]
    assert [value.known for value in resolved[3:6]] == [False, False, False]
    assert resolved[6].raw == "'${Stage}-app.example'"
    assert resolved[0].env_var == "the stack parameter Site"


def test_a_rest_cors_that_is_not_a_string_or_map_is_refused() -> None:
    text = template("Cors: true")
    assert rules_fired(text) == {"CORS303"}
    (policy,) = policies(text)
    assert answer(policy, "OPTIONS") == {}


def test_a_whole_http_api_configuration_from_an_intrinsic_is_one_cors305() -> None:
    text = (
        HEAD
        + "Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n"
        + "      CorsConfiguration: !If [IsProd, {AllowOrigins: ['https://a.example']}, !Ref AWS::NoValue]\n"
    )
    found = judge(policies(text), single_policy_rules(every_rule))
    assert [finding.rule_id for finding in found] == ["CORS305"]
