"""`gateway_cors.gateway_answers_preflights`: API Gateway answers every preflight of a
Serverless service from its `http` events' `cors` (sweep 12 X3); anything less is unknown."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.serverless_framework.gateway_cors import gateway_answers_preflights

_REPLY = """module.exports.reply = (body) => ({
  statusCode: 200,
  headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type' },
  body: JSON.stringify(body),
});
"""
_HANDLER = "const { reply } = require('./lib/reply');\nmodule.exports.get = async () => reply({});\n"


def _service(tmp_path: Path, events: str, **extra: str) -> Path:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs18.x\nfunctions:\n"
        f"  get:\n    handler: handler.get\n    events:\n{events}"
    )
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "reply.js").write_text(_REPLY)
    (tmp_path / "handler.js").write_text(_HANDLER)
    for name, text in extra.items():
        (tmp_path / name).write_text(text)
    return tmp_path / "lib" / "reply.js"


_CORS = "      - http:\n          path: items\n          method: post\n          cors: true\n"
_NO_CORS = "      - http:\n          path: other\n          method: post\n"


def test_every_http_event_with_cors(tmp_path: Path) -> None:
    assert gateway_answers_preflights(str(_service(tmp_path, _CORS))) is not None
    assert gateway_answers_preflights(str(tmp_path / "handler.js")) is not None


def test_an_event_without_cors_is_unknown(tmp_path: Path) -> None:
    assert gateway_answers_preflights(str(_service(tmp_path, _CORS + _NO_CORS))) is None


def test_an_any_route_is_unknown(tmp_path: Path) -> None:
    events = (
        _CORS + "      - http:\n          path: '{proxy+}'\n          method: any\n          cors: true\n"
    )
    assert gateway_answers_preflights(str(_service(tmp_path, events))) is None


def test_a_local_server_importing_the_helper_is_unknown(tmp_path: Path) -> None:
    server = "const express = require('express');\nconst { reply } = require('./lib/reply');\n"
    server += "express().get('/', (q, r) => r.json(reply({}))).listen(3000);\n"
    assert gateway_answers_preflights(str(_service(tmp_path, _CORS, **{"local.js": server}))) is None


def test_http_api_events_are_unknown(tmp_path: Path) -> None:
    events = "      - httpApi:\n          path: /items\n          method: post\n"
    assert gateway_answers_preflights(str(_service(tmp_path, events))) is None


_RESPONSE_4XX = (
    "resources:\n  Resources:\n    ClientErrors:\n      Type: AWS::ApiGateway::GatewayResponse\n"
    "      Properties:\n        ResponseType: DEFAULT_4XX\n        RestApiId:\n          Ref: ApiGatewayRestApi\n"
)


def _with_resources(tmp_path: Path, events: str, resources: str) -> Path:
    reply = _service(tmp_path, events)
    config = tmp_path / "serverless.yml"
    config.write_text(config.read_text() + resources)
    return reply


def test_a_gateway_response_leaves_the_cors_preflights_known(tmp_path: Path) -> None:
    # sweep 12 X3 (import-service): a DEFAULT_4XX gateway response changes error answers only
    assert gateway_answers_preflights(str(_with_resources(tmp_path, _CORS, _RESPONSE_4XX))) is not None


def test_another_api_gateway_resource_is_unknown(tmp_path: Path) -> None:
    method = _RESPONSE_4XX + "    ExtraMethod:\n      Type: AWS::ApiGateway::Method\n"
    assert gateway_answers_preflights(str(_with_resources(tmp_path, _CORS, method))) is None


def test_a_gateway_response_keeps_the_403_reading_unknown(tmp_path: Path) -> None:
    from corslint.extractors.serverless_framework.gateway_options import gateway_options_answer

    plain = tmp_path / "plain"
    plain.mkdir()
    assert gateway_options_answer(str(_service(plain, _NO_CORS))) is not None
    changed = tmp_path / "changed"
    changed.mkdir()
    assert gateway_options_answer(str(_with_resources(changed, _NO_CORS, _RESPONSE_4XX))) is None
