"""`http_api_replaces_headers`: an HTTP API with `provider.httpApi.cors` replaces the CORS
headers of Lambdas reached only through it (sweep 12 Y3)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.serverless_framework.http_api_cors import http_api_replaces_headers

HANDLER = "module.exports.get = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*' } });\n"


def _service(tmp_path: Path, cors: str, events: str) -> Path:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        f"  httpApi:\n    cors: {cors}\n"
        f"functions:\n  get:\n    handler: fn.get\n    events:\n{events}"
    )
    handler = tmp_path / "fn.js"
    handler.write_text(HANDLER)
    return handler


HTTP_API = "      - httpApi: 'GET /items'\n"


def test_http_api_with_cors_replaces_headers(tmp_path: Path) -> None:
    handler = _service(tmp_path, "true", HTTP_API)
    at = http_api_replaces_headers(str(handler))
    assert at is not None and at.line == 6


def test_rest_event_keeps_headers(tmp_path: Path) -> None:
    handler = _service(
        tmp_path, "true", HTTP_API + "      - http:\n          method: get\n          path: old\n"
    )
    assert http_api_replaces_headers(str(handler)) is None


def test_other_trigger_keeps_headers(tmp_path: Path) -> None:
    handler = _service(tmp_path, "true", HTTP_API + "      - sqs: arn:aws:sqs:eu-west-1:1:q\n")
    assert http_api_replaces_headers(str(handler)) is None


def test_cors_false_or_variable_keeps_headers(tmp_path: Path) -> None:
    for value in ("false", "${self:custom.cors}"):
        handler = _service(tmp_path, value, HTTP_API)
        assert http_api_replaces_headers(str(handler)) is None


def test_local_server_importing_the_handler_keeps_headers(tmp_path: Path) -> None:
    handler = _service(tmp_path, "true", HTTP_API)
    (tmp_path / "local.js").write_text(
        "const express = require('express');\nconst { get } = require('./fn');\n"
        "const app = express();\napp.get('/items', async (req, res) => res.json(await get()));\napp.listen(3000);\n"
    )
    assert http_api_replaces_headers(str(handler)) is None
