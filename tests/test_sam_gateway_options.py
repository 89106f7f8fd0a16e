"""API Gateway answering a Lambda's OPTIONS requests itself where an AWS SAM template
deploys the handler without CORS (extractors/aws_sam/gateway_service.py, through
serverless_framework/gateway_options.py).

No AWS runs here: SAM adds OPTIONS methods to a REST API only for `Cors`, and configures an
HTTP API's CORS only for `CorsConfiguration` (AWS SAM resource reference); without them API
Gateway answers a REST preflight 403 "Missing Authentication Token" and an HTTP API one 404
when no route takes OPTIONS (AWS, "Configure CORS for HTTP APIs")."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.serverless_framework.gateway_options import gateway_options_answer

HANDLER = """\
exports.handler = async (event) => ({
  statusCode: 201,
  headers: { "Access-Control-Allow-Origin": "https://app.example.com" },
  body: event.body,
});
"""

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SaveFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: save.handler
      Runtime: nodejs20.x
      Events:
        Save:
          Type: Api
          Properties:
            Path: /items
            Method: post
"""

HTTP_API = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ItemsApi:
    Type: AWS::Serverless::HttpApi
  SaveFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: save.handler
      Runtime: nodejs20.x
      Events:
        Save:
          Type: HttpApi
          Properties:
            ApiId: !Ref ItemsApi
            Path: /items
            Method: POST
"""


def _project(root: Path, template: str, name: str = "template.yaml") -> Path:
    (root / "src").mkdir()
    handler = root / "src" / "save.js"
    handler.write_text(HANDLER)
    (root / name).write_text(template)
    return handler


def test_rest_api_without_cors_answers_403(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_project(tmp_path, TEMPLATE)))
    assert answer is not None and answer.status == 403
    assert "whose APIs have no `Cors`, so SAM adds no OPTIONS method" in answer.detail


def test_http_api_without_cors_configuration_answers_404(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_project(tmp_path, HTTP_API, "template.yml")))
    assert answer is not None and answer.status == 404
    assert "without `CorsConfiguration`" in answer.detail


def test_a_handler_below_the_template(tmp_path: Path) -> None:
    template = TEMPLATE.replace("CodeUri: src/", "CodeUri: src/functions/save/")
    handler = tmp_path / "src" / "functions" / "save" / "save.js"
    handler.parent.mkdir(parents=True)
    handler.write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(template)
    answer = gateway_options_answer(str(handler))
    assert answer is not None and answer.status == 403


@pytest.mark.parametrize(
    ("template", "change", "why"),
    [
        (TEMPLATE, ("Resources:\n", "Globals:\n  Api:\n    Cors: \"'*'\"\nResources:\n"), "Globals Cors"),
        (
            TEMPLATE,
            (
                "Resources:\n",
                "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n"
                "      StageName: v1\n      Cors:\n        AllowOrigin: \"'*'\"\n",
            ),
            "an API with Cors (the event's own API is another)",
        ),
        (TEMPLATE, ("Method: post", "Method: any"), "ANY passes OPTIONS to the Lambda"),
        (TEMPLATE, ("Method: post", "Method: options"), "an OPTIONS route"),
        (TEMPLATE, ("Path: /items", "Path: /{proxy+}"), "a greedy path"),
        (
            TEMPLATE,
            (
                "            Method: post\n",
                "            Method: post\n            RestApiId: !Ref Elsewhere\n",
            ),
            "an API not in the template",
        ),
        (TEMPLATE, ("          Type: Api\n", "          Type: SQS\n"), "another trigger only"),
        (
            TEMPLATE,
            ("Resources:\n", "Resources:\n  Deny:\n    Type: AWS::ApiGateway::GatewayResponse\n"),
            "API Gateway resources of its own",
        ),
        (TEMPLATE, ("Handler: save.handler", "Handler: other.handler"), "another file"),
        (
            HTTP_API,
            (
                "    Type: AWS::Serverless::HttpApi\n",
                "    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration: true\n",
            ),
            "CorsConfiguration",
        ),
        (
            HTTP_API,
            (
                "    Type: AWS::Serverless::HttpApi\n",
                "    Type: AWS::Serverless::HttpApi\n    Properties:\n      DefinitionUri: openapi.yaml\n",
            ),
            "an OpenAPI document",
        ),
        (
            HTTP_API,
            (
                "          Properties:\n            ApiId: !Ref ItemsApi\n            Path: /items\n            Method: POST\n",
                "",
            ),
            "the catch-all route",
        ),
        (HTTP_API, ("Method: POST", "Method: ANY"), "ANY"),
        (HTTP_API, ("Method: POST", "Method: GET"), "reads alone"),
    ],
)
def test_any_doubt_is_unknown(tmp_path: Path, template: str, change: tuple[str, str], why: str) -> None:
    changed = template.replace(*change)
    assert changed != template, why
    assert gateway_options_answer(str(_project(tmp_path, changed))) is None, why


def test_gateway_responses_may_change_the_403(tmp_path: Path) -> None:
    template = TEMPLATE.replace(
        "Resources:\n",
        "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        "      GatewayResponses:\n        MISSING_AUTHENTICATION_TOKEN:\n          StatusCode: 200\n",
    ).replace("            Method: post\n", "            Method: post\n            RestApiId: !Ref Api\n")
    assert gateway_options_answer(str(_project(tmp_path, template))) is None


def test_a_template_beside_serverless_yml_is_unknown(tmp_path: Path) -> None:
    handler = _project(tmp_path, TEMPLATE)
    (tmp_path / "serverless.yml").write_text("service: items\nprovider:\n  name: aws\n")
    assert gateway_options_answer(str(handler)) is None


def test_a_template_that_is_not_sam_is_no_configuration(tmp_path: Path) -> None:
    handler = _project(tmp_path, "name: a workflow template\n")
    assert gateway_options_answer(str(handler)) is None
