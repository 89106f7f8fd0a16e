"""Quart-CORS `cors(app, ...)` and `@route_cors(...)`: what the extractor reads and what
the rules then say (the model's truth: test_differential_quart_cors.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.quart_cors.extractor import extract
from corslint.frameworks.quart_cors import library_checks, respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import run_lint


def policies(source: str) -> tuple[CorsPolicy, ...]:
    return extract("app.py", textwrap.dedent(source), ProjectContext()).policies


def test_app_wide_options_skip_the_app_and_drop_inert_ones() -> None:
    (policy,) = policies(
        """
        import quart_cors
        from quart import Quart

        ORIGINS = ["https://a.example.com"]
        app = quart_cors.cors(Quart(__name__), allow_origin=ORIGINS, send_origin_wildcard=False, allow_origins=[])
        """
    )
    assert {name: value.plain() for name, value in policy.options.items()} == {
        "allow_origin": ("https://a.example.com",),
        "allow_origins": (),
    }
    assert not policy.route_level
    assert [e.kind for e in policy.evidence] == ["unknown-option"]
    assert "allow_origin" in policy.evidence[0].detail


def test_route_cors_takes_its_route_path() -> None:
    (app_wide, route) = policies(
        """
        from quart import Quart
        from quart_cors import cors, route_cors

        app = cors(Quart(__name__), allow_origin="https://a.example.com")

        @app.route("/public/feed")
        @route_cors(allow_origin="*")
        async def feed():
            return ""
        """
    )
    assert route.route_level and route.probe_path == "/public/feed" and route.scope == "/public/feed"
    assert app_wide.app != route.app


def test_app_config_makes_left_out_options_unknown() -> None:
    (policy,) = policies(
        """
        from quart import Quart
        from quart_cors import cors

        app = Quart(__name__)
        app.config.from_object("settings")
        app = cors(app, allow_origin="https://a.example.com")
        """
    )
    assert policy.option("allow_origin") is not None and policy.option("allow_origin").known  # type: ignore[union-attr]
    assert not policy.option("allow_credentials").known  # type: ignore[union-attr]


def test_the_default_origin_with_credentials_breaks_every_response() -> None:
    (policy,) = policies("from quart_cors import cors\napp = cors(app, allow_credentials=True)\n")
    assert [check.code for check in library_checks(policy)] == ["ValueError on every request"]
    assert respond(policy, Request("GET", None)).status == 500


def test_quart_cors_is_no_longer_cors003(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from quart import Quart\nfrom quart_cors import cors\n\n"
        "app = cors(Quart(__name__), allow_origin=['https://a.example.com'])\n"
    )
    result = run_lint(tmp_path)
    assert [f.rule_id for f in result.findings] == []
    assert [p.framework for p in result.policies] == ["quart_cors"]
