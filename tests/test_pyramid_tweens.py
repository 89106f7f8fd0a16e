"""Pyramid tweens read as CORS layers (corslint/extractors/python_headers/pyramid_units.py):
the shapes of the fixtures' neighbours that the fixtures leave out. Real Pyramid's answers
are compared in tests/test_python_headers.py (fixture pyramid_tween_allowlist_callback_no_vary)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint


def findings(files: dict[str, str]) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, "utf-8")
    return sorted((f.location.path, f.location.line, f.rule_id) for f in run_lint(Path(".")).findings)


CLASS_TWEEN = (
    "class CorsTween:\n"
    "    def __init__(self, handler, registry):\n"
    "        self.handler = handler\n"
    "        self.registry = registry\n\n"
    "    def __call__(self, request):\n"
    "        response = self.handler(request)\n"
    '        response.headers["Access-Control-Allow-Origin"] = "*"\n'
    "        return response\n"
)


def test_a_class_tween_registered_by_its_dotted_name(in_tmp: Path) -> None:
    found = findings(
        {
            "app/tweens.py": CLASS_TWEEN,
            "app/__init__.py": "from pyramid.config import Configurator\n\n\n"
            "def main(global_config, **settings):\n"
            "    config = Configurator(settings=settings)\n"
            '    config.add_tween("app.tweens.CorsTween")\n'
            "    return config.make_wsgi_app()\n",
        }
    )
    assert ("app/tweens.py", 8, "CORS105") in found


def test_a_tween_factory_no_add_tween_names_is_no_layer(in_tmp: Path) -> None:
    assert findings({"app/tweens.py": CLASS_TWEEN, "app/__init__.py": ""}) == []


def test_an_origin_check_the_tween_calls_is_an_allow_list_it_cannot_see(in_tmp: Path) -> None:
    found = findings(
        {
            "api/cors.py": "def cors_tween_factory(handler, registry):\n"
            "    def cors_tween(request):\n"
            "        response = handler(request)\n"
            '        if (origin := request.headers.get("Origin")) and request.is_trusted_origin(origin):\n'
            '            response.headers["Access-Control-Allow-Origin"] = origin\n'
            '            response.headers["Access-Control-Allow-Credentials"] = "true"\n'
            "        return response\n\n"
            "    return cors_tween\n\n\n"
            "def includeme(config):\n"
            '    config.add_tween("api.cors.cors_tween_factory")\n',
        }
    )
    # the allow-list is unknown (CORS305), the echo without Vary is not (CORS107)
    assert ("api/cors.py", 4, "CORS305") in found
    assert ("api/cors.py", 5, "CORS107") in found
    assert not any(rule == "CORS101" for _, _, rule in found)
