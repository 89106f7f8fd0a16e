"""API Gateway answering a Lambda's OPTIONS requests itself, where serverless.yml deploys
the handler without CORS (extractors/serverless_framework/gateway_options.py).

No AWS runs here: the pinned behaviour is AWS's documented one. HTTP API: "If no routes
match a request, API Gateway returns a {"message":"Not Found"} response" (404; Working
with routes for HTTP APIs), and without a CORS configuration a preflight is routed like
any request (Configuring CORS for HTTP APIs). REST API: a method the resource does not
define is answered 403 {"message":"Missing Authentication Token"} (AWS knowledge center,
api-gateway-authentication-token-errors). Every other setup stays unknown (None)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.serverless_framework.gateway_options import gateway_options_answer
from tests.conftest import run_lint

HANDLER = """\
'use strict';

const HEADERS = { 'Access-Control-Allow-Origin': 'https://app.example.com' };

module.exports.save = async (event) => ({ statusCode: 201, headers: HEADERS, body: event.body });
"""

HTTP_API = """\
service: demo
provider:
  name: aws
  runtime: nodejs20.x
functions:
  save:
    handler: src/items.save
    events:
      - httpApi:
          method: POST
          path: /items
"""

REST_API = """\
service: demo
provider:
  name: aws
functions:
  save:
    handler: src/items.save
    events:
      - http: POST items
"""


def _project(tmp_path: Path, config: str, name: str = "serverless.yml", handler: str = HANDLER) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "items.js").write_text(handler)
    (tmp_path / name).write_text(config)
    return tmp_path / "src" / "items.js"


def test_http_api_without_cors_answers_404(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_project(tmp_path, HTTP_API)))
    assert answer is not None and answer.status == 404
    assert "HTTP API" in answer.detail


def test_rest_api_without_cors_answers_403(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_project(tmp_path, REST_API)))
    assert answer is not None and answer.status == 403
    assert "Missing Authentication Token" in answer.detail


def test_handler_in_a_subfolder_of_a_nested_service(tmp_path: Path) -> None:
    service = tmp_path / "services" / "items"
    service.mkdir(parents=True)
    answer = gateway_options_answer(str(_project(service, HTTP_API.replace("demo", "items"))))
    assert answer is not None and answer.status == 404


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("  runtime: nodejs20.x\n", "  runtime: nodejs20.x\n  httpApi:\n    cors: true\n"), "cors"),
        (("method: POST", "method: ANY"), "ANY route passes OPTIONS to a function"),
        (("method: POST", "method: '*'"), "catch-all method"),
        (("path: /items", "path: /{proxy+}"), "greedy path"),
        (("path: /items", "path: $default"), "$default route"),
        (("functions:\n", "functions: ${file(./functions.yml)}\n"), "an include"),
        (("handler: src/items.save", "handler: ${self:custom.handler}"), "unresolved handler"),
        (("  runtime: nodejs20.x\n", "  runtime: nodejs20.x\n  httpApi:\n    id: abc123\n"), "imported API"),
        (("  name: aws\n", "  name: azure\n"), "not AWS"),
        (
            ("          path: /items\n", "          path: /items\n      - sqs: arn:aws:sqs:q\n"),
            "other trigger",
        ),
        (("handler: src/items.save", "handler: src/other.save"), "another file"),
        (
            (
                "functions:\n",
                "resources:\n  Resources:\n    M:\n      Type: AWS::ApiGateway::Method\nfunctions:\n",
            ),
            "own API resources",
        ),
    ],
)
def test_any_doubt_is_unknown(tmp_path: Path, change: tuple[str, str], why: str) -> None:
    config = HTTP_API.replace(*change)
    assert config != HTTP_API, why
    assert gateway_options_answer(str(_project(tmp_path, config))) is None, why


def test_rest_event_with_cors_or_options_method_is_unknown(tmp_path: Path) -> None:
    with_options = REST_API + "      - http: OPTIONS items\n"
    assert gateway_options_answer(str(_project(tmp_path, with_options))) is None
    (tmp_path / "serverless.yml").write_text(
        REST_API.replace(
            "http: POST items", "http:\n          method: post\n          path: items\n          cors: true"
        )
    )
    assert gateway_options_answer(str(tmp_path / "src" / "items.js")) is None


def test_mixed_http_and_http_api_events_are_unknown(tmp_path: Path) -> None:
    config = HTTP_API + "      - http: POST items\n"
    assert gateway_options_answer(str(_project(tmp_path, config))) is None


@pytest.mark.parametrize("other", ["serverless.ts", "serverless.js", "serverless.json"])
def test_another_config_beside_it_is_unknown(tmp_path: Path, other: str) -> None:
    handler = _project(tmp_path, HTTP_API)
    (tmp_path / other).write_text("export default {}\n")
    assert gateway_options_answer(str(handler)) is None


def test_serverless_ts_alone_is_unknown(tmp_path: Path) -> None:
    assert gateway_options_answer(str(_project(tmp_path, "export default {}\n", "serverless.ts"))) is None


def test_lint_reports_cors206_naming_api_gateway(tmp_path: Path) -> None:
    _project(tmp_path, HTTP_API)
    found = [f for f in run_lint(tmp_path).findings if f.rule_id == "CORS206"]
    assert len(found) == 1
    assert "API Gateway answers the preflight itself: 404" in found[0].message


def test_handler_answering_options_itself_is_left_as_before(tmp_path: Path) -> None:
    handler = HANDLER.replace(
        "module.exports.save = async (event) => (",
        "module.exports.save = async (event) => event.requestContext.http.method === 'OPTIONS'\n"
        "  ? { statusCode: 204, headers: { ...HEADERS, 'Access-Control-Allow-Methods': 'POST',"
        " 'Access-Control-Allow-Headers': 'Content-Type' }, body: '' }\n  : (",
    )
    _project(tmp_path, HTTP_API, handler=handler)
    messages = [f.message for f in run_lint(tmp_path).findings]
    assert not any("API Gateway answers the preflight itself" in m for m in messages)


def test_reads_alone_are_unknown(tmp_path: Path) -> None:
    config = HTTP_API.replace("method: POST", "method: GET")
    assert gateway_options_answer(str(_project(tmp_path, config))) is None


def test_rest_cors_on_another_resource_leaves_this_one_without_options(tmp_path: Path) -> None:
    other = (
        "  list:\n    handler: src/list.all\n    events:\n"
        "      - http:\n          method: get\n          path: catalogue\n          cors: true\n"
    )
    answer = gateway_options_answer(str(_project(tmp_path, REST_API + other)))
    assert answer is not None and answer.status == 403


def test_rest_cors_on_the_same_resource_is_unknown(tmp_path: Path) -> None:
    other = (
        "  list:\n    handler: src/list.all\n    events:\n"
        "      - http:\n          method: get\n          path: items\n          cors: true\n"
    )
    assert gateway_options_answer(str(_project(tmp_path, REST_API + other))) is None


def test_a_cors_plugin_is_unknown(tmp_path: Path) -> None:
    config = HTTP_API + "plugins:\n  - serverless-offline\n  - serverless-cors-plugin\n"
    assert gateway_options_answer(str(_project(tmp_path, config))) is None
    (tmp_path / "serverless.yml").write_text(HTTP_API + "plugins:\n  - serverless-offline\n")
    assert gateway_options_answer(str(tmp_path / "src" / "items.js")) is not None


HELPER = """\
module.exports.reply = (statusCode, body) => ({
  statusCode,
  headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' },
  body: JSON.stringify(body),
});
"""

USES_HELPER = """\
const { reply } = require('./lib/reply');

module.exports.save = async (event) => reply(201, JSON.parse(event.body));
"""


def _helper_project(tmp_path: Path) -> Path:
    _project(tmp_path, HTTP_API, handler=USES_HELPER)
    (tmp_path / "src" / "lib").mkdir()
    helper = tmp_path / "src" / "lib" / "reply.js"
    helper.write_text(HELPER)
    return helper


def test_a_helper_imported_by_handlers_alone_answers_as_they_do(tmp_path: Path) -> None:
    answer = gateway_options_answer(str(_helper_project(tmp_path)))
    assert answer is not None and answer.status == 404


@pytest.mark.parametrize(
    "importer",
    [
        "const { reply } = require('../src/lib/reply');\n",  # a script that is no handler
        "import { reply } from '@/lib/reply';\n",  # an alias: not resolved, still counted
    ],
)
def test_a_helper_imported_elsewhere_is_unknown(tmp_path: Path, importer: str) -> None:
    helper = _helper_project(tmp_path)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "smoke.js").write_text(importer)
    assert gateway_options_answer(str(helper)) is None


def test_a_helper_imported_by_nobody_is_unknown(tmp_path: Path) -> None:
    helper = _helper_project(tmp_path)
    (tmp_path / "src" / "items.js").write_text(HANDLER)
    assert gateway_options_answer(str(helper)) is None


PYTHON_HANDLER = """\
import json


def save(event, context):
    return {"statusCode": 201, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}, "body": "{}"}
"""

PYTHON_WITH_PREFLIGHT = """\
def save(event, context):
    if event["requestContext"]["http"]["method"] == "OPTIONS":
        return {
            "statusCode": 204,
            "headers": {
                "Access-Control-Allow-Origin": "https://app.example.com",
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
            },
        }
    return {"statusCode": 201, "headers": {"Access-Control-Allow-Origin": "https://app.example.com"}, "body": "{}"}
"""


@pytest.mark.parametrize(("handler", "reported"), [(PYTHON_HANDLER, True), (PYTHON_WITH_PREFLIGHT, False)])
def test_python_handler(tmp_path: Path, handler: str, reported: bool) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "items.py").write_text(handler)
    (tmp_path / "serverless.yml").write_text(HTTP_API.replace("nodejs20.x", "python3.12"))
    messages = [f.message for f in run_lint(tmp_path).findings if f.rule_id == "CORS206"]
    assert any("API Gateway answers the preflight itself: 404" in m for m in messages) is reported
