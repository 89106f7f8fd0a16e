"""Messages that name what to change, and no version the project does not run: CORS203 on a
JSON config file says which key of that file to change; an AdonisJS 6 config written
without `defineConfig` is not called AdonisJS 5; @koa/cors 3.x's default origin is the
caller's own (5.0 sends `*`)."""

from __future__ import annotations

from corslint.frameworks import frameworks
from corslint.frameworks.adonis_cors import PLAIN_NAME
from tests.conftest import FIXTURES, run_lint


def _messages(project: str, rule: str) -> list[str]:
    return [f.message for f in run_lint(FIXTURES / project).findings if f.rule_id == rule]


def test_cors203_on_a_json_config_names_the_key_and_the_file() -> None:
    (message,) = _messages("express/json_config_headers_without_content_type", "CORS203")
    assert message.endswith("; add `Content-Type` to `allowedHeaders` in cors.json")


def test_cors203_in_code_adds_nothing() -> None:
    for message in _messages("flask/restricted_allow_headers", "CORS203"):
        assert "add `Content-Type`" not in message


def test_a_plain_adonis_config_names_no_version() -> None:
    assert "5" not in frameworks()[PLAIN_NAME].display
    for finding in run_lint(FIXTURES / "adonis" / "v6_plain_object_config_reflect_credentials").findings:
        assert "AdonisJS 5" not in finding.message


def test_koa_cors_3_default_origin_is_the_callers() -> None:
    (message,) = _messages("koa/koa_cors_v3_default_reflects", "CORS105")
    assert "the caller's own origin" in message and "`*`" not in message
