"""aiohttp-cors `setup(app, defaults=...)` and `cors.add(route, {...})`: what the extractor
reads (the model's truth: test_differential_aiohttp_cors.py)."""

from __future__ import annotations

import textwrap
from typing import Any

from corslint.extractors.aiohttp_cors.extractor import extract
from corslint.extractors.context import ProjectContext
from corslint.frameworks.aiohttp_cors import origin_entries
from corslint.model import CorsPolicy


def policies(source: str) -> tuple[CorsPolicy, ...]:
    return extract("server.py", textwrap.dedent(source), ProjectContext()).policies


def config(policy: CorsPolicy) -> Any:
    value = policy.option("config")
    assert value is not None
    return value.plain()


def test_defaults_and_a_route_laid_over_them() -> None:
    (app_wide, route) = policies(
        """
        import aiohttp_cors
        from aiohttp import web
        from aiohttp_cors import ResourceOptions

        FRONTEND = "https://app.example.com"
        DEFAULTS = {FRONTEND: ResourceOptions(allow_credentials=True, allow_headers=("Content-Type",))}

        app = web.Application()
        cors = aiohttp_cors.setup(app, defaults=DEFAULTS)
        cors.add(app.router.add_get("/public", handler), {"*": ResourceOptions(expose_headers="*")})
        """
    )
    assert config(app_wide) == {
        "https://app.example.com": {"allow_credentials": True, "allow_headers": ("Content-Type",)}
    }
    assert config(route) == {
        "https://app.example.com": {"allow_credentials": True, "allow_headers": ("Content-Type",)},
        "*": {"expose_headers": "*"},
    }
    assert route.route_level and route.probe_path == "/public"
    assert [entry.value.raw for entry in origin_entries(app_wide)] == ["https://app.example.com"]


def test_unknown_mappings_and_options() -> None:
    (unknown, typo) = policies(
        """
        import aiohttp_cors

        aiohttp_cors.setup(app, defaults=load_cors())
        aiohttp_cors.setup(app, defaults={"*": aiohttp_cors.ResourceOptions(allow_origin="*")})
        """
    )
    value = unknown.option("config")
    assert value is not None and not value.known
    assert [e.kind for e in typo.evidence] == ["unknown-option"]


def test_setup_without_defaults_answers_nothing() -> None:
    (policy,) = policies("import aiohttp_cors\ncors = aiohttp_cors.setup(app)\n")
    assert config(policy) == {}


def test_add_with_named_arguments_and_a_comprehension_over_origins() -> None:
    (_, named, comprehended, filtered) = policies(
        """
        import aiohttp_cors
        from aiohttp_cors import ResourceOptions

        SITES = ["https://a.example.com", "https://b.example.com"]
        cors = aiohttp_cors.setup(app)
        cors.add(routing_entity=route, config={"*": ResourceOptions(allow_credentials=True)})
        cors.add(route, {site: ResourceOptions(max_age=60) for site in SITES})
        cors.add(route, {site: ResourceOptions() for site in SITES if site.endswith(".com")})
        cors.add(routing_entity=other)
        """
    )
    assert config(named) == {"*": {"allow_credentials": True}}
    assert config(comprehended) == {
        "https://a.example.com": {"max_age": 60},
        "https://b.example.com": {"max_age": 60},
    }
    value = filtered.option("config")
    assert value is not None and not value.known
