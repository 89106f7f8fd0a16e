"""Litestar `CORSConfig` and Falcon `CORSMiddleware` / `cors_enable`: what the extractors
read, and the findings the rules then give (the models' truth: test_differential_*.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.falcon.extractor import extract as extract_falcon
from corslint.extractors.litestar.extractor import extract as extract_litestar
from corslint.frameworks.litestar import library_checks, origin_entries
from corslint.model import CorsPolicy
from tests.conftest import run_lint


def litestar(source: str) -> tuple[CorsPolicy, ...]:
    return extract_litestar("app.py", textwrap.dedent(source), ProjectContext()).policies


def falcon(source: str) -> tuple[CorsPolicy, ...]:
    return extract_falcon("app.py", textwrap.dedent(source), ProjectContext()).policies


def plain(policy: CorsPolicy) -> dict[str, object]:
    return {name: value.plain() for name, value in policy.options.items()}


def test_litestar_keywords_positionals_and_mappings() -> None:
    (by_keyword, positional, expanded) = litestar(
        """
        from litestar.config.cors import CORSConfig as Cors

        ORIGINS = ["https://a.example.com"]
        OPTIONS = {"allow_credentials": True, "max_age": 60}
        one = Cors(allow_origins=ORIGINS, allow_methods=["GET"])
        two = Cors(["https://b.example.com"], ["GET", "PUT"])
        three = Cors(allow_origins=ORIGINS, **OPTIONS)
        """
    )
    assert plain(by_keyword) == {"allow_origins": ("https://a.example.com",), "allow_methods": ("GET",)}
    assert plain(positional) == {"allow_origins": ("https://b.example.com",), "allow_methods": ("GET", "PUT")}
    assert plain(expanded) == {
        "allow_origins": ("https://a.example.com",),
        "allow_credentials": True,
        "max_age": 60,
    }
    assert by_keyword.app != positional.app  # one CORSConfig per app: never two layers of one


def test_litestar_unknown_keyword_is_evidence_and_unknown_mapping_is_kept() -> None:
    (typo, unknown) = litestar(
        """
        import os
        from litestar.config.cors import CORSConfig

        typo = CORSConfig(allow_origin=["https://a.example.com"])
        unknown = CORSConfig(**load_options())
        """
    )
    assert [e.kind for e in typo.evidence] == ["unknown-option"]
    assert "allow_origins" in typo.evidence[0].detail
    assert not unknown.options["**"].known


def test_litestar_globs_are_patterns_and_a_bad_regex_is_a_library_check() -> None:
    (policy,) = litestar(
        """
        from litestar.config.cors import CORSConfig

        CORSConfig(allow_origins=["*", "https://*.example.com", "https://a.example.com"], allow_origin_regex="(")
        """
    )
    assert [entry.kind for entry in origin_entries(policy)] == ["literal", "regex", "literal", "regex"]
    assert library_checks(policy) == ()  # `*` allows every origin before the pattern is compiled
    (listed, string) = litestar(
        """
        from litestar.config.cors import CORSConfig

        CORSConfig(allow_origins=["https://a.example.com"], allow_origin_regex="(")
        CORSConfig(allow_origins="https://a.example.com")
        """
    )
    assert [check.code for check in library_checks(listed)] == ["re.error on the first cross-origin request"]
    assert [check.code for check in library_checks(string)] == ["plain string"]


def test_other_cors_config_classes_are_not_litestar() -> None:
    assert litestar("from starlite import CORSConfig\nCORSConfig(allow_origins=['*'])\n") == ()


def test_falcon_middleware_and_cors_enable() -> None:
    (enabled, middleware, asgi) = falcon(
        """
        import falcon
        import falcon.asgi
        from falcon.middleware import CORSMiddleware

        app = falcon.App(cors_enable=True)
        cors = CORSMiddleware("https://a.example.com", ["X-Total"], allow_credentials="*")
        asgi = falcon.asgi.App(cors_enable=True)
        """
    )
    assert enabled.options == {} and enabled.label == "falcon.App(cors_enable=True)"
    assert plain(middleware) == {
        "allow_origins": "https://a.example.com",
        "expose_headers": ("X-Total",),
        "allow_credentials": "*",
    }
    assert asgi.framework == "falcon"


@pytest.mark.parametrize("value", ["False", "flag", "settings.CORS"])
def test_falcon_cors_enable_that_is_not_certainly_true_makes_no_policy(value: str) -> None:
    assert falcon(f"import falcon\napp = falcon.App(cors_enable={value})\n") == ()


def test_falcon_unknown_keyword_is_evidence() -> None:
    (policy,) = falcon("import falcon\nfalcon.CORSMiddleware(allow_origin='https://a.example.com')\n")
    assert [e.kind for e in policy.evidence] == ["unknown-option"]


def test_modelled_libraries_get_no_cors003_and_others_still_do(tmp_path: Path) -> None:
    (tmp_path / "lite.py").write_text(
        "from litestar.config.cors import CORSConfig\n"
        "config = CORSConfig(allow_origins=['https://a.example.com'])\n"
    )
    (tmp_path / "fal.py").write_text(
        "import falcon\napp = falcon.App(middleware=[falcon.CORSMiddleware(allow_origins='https://a.example.com')])\n"
    )
    (tmp_path / "cherrypy_app.py").write_text("import cherrypy_cors\n")
    result = run_lint(tmp_path)
    notes = [(Path(f.location.path).name, f.rule_id) for f in result.findings if f.rule_id == "CORS003"]
    assert notes == [("cherrypy_app.py", "CORS003")]
    assert sorted(p.framework for p in result.policies) == ["falcon", "litestar"]
