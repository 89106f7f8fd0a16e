"""CORS302 across modules: a hand-written layer and a library layer meet on one app only
when the code shows they run on the same app (LAYERS; the differential tests
test_differential_{django,starlette,flask}_layers.py measure what the real stacks send)."""

from __future__ import annotations

import shutil
from pathlib import Path

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import FIXTURES


def rules_at(root: Path) -> set[tuple[str, str]]:
    return {(f.rule_id, Path(f.location.path).name) for f in lint([root], Settings()).findings}


def copy(tmp_path: Path, fixture: str) -> Path:
    target = tmp_path / Path(fixture).name
    shutil.copytree(FIXTURES / fixture, target)
    return target


def test_django_middleware_listed_before_corsheaders_still_answers_preflights(tmp_path: Path) -> None:
    root = copy(tmp_path, "django/handwritten_middleware_under_corsheaders")
    settings = root / "catalogue" / "settings.py"
    text = settings.read_text()
    text = text.replace(
        '    "corsheaders.middleware.CorsMiddleware",\n    "shelves.headers.OpenShelfHeaders",  # expect: CORS302\n',
        '    "shelves.headers.OpenShelfHeaders",\n    "corsheaders.middleware.CorsMiddleware",\n',
    )
    settings.write_text(text)
    found = rules_at(root)
    assert ("CORS302", "settings.py") in found  # the layers still meet (at its MIDDLEWARE entry)
    assert ("CORS206", "headers.py") in found  # outer: its preflight answers are its own


def test_django_middleware_no_settings_list_is_not_a_layer(tmp_path: Path) -> None:
    root = copy(tmp_path, "django/handwritten_middleware_under_corsheaders")
    settings = root / "catalogue" / "settings.py"
    settings.write_text(
        settings.read_text().replace('    "shelves.headers.OpenShelfHeaders",  # expect: CORS302\n', "")
    )
    assert not any(name == "headers.py" for _, name in rules_at(root))


def test_django_dotted_path_naming_another_package_does_not_match(tmp_path: Path) -> None:
    root = copy(tmp_path, "django/handwritten_middleware_under_corsheaders")
    settings = root / "catalogue" / "settings.py"
    settings.write_text(
        settings.read_text().replace("shelves.headers.OpenShelfHeaders", "lending.headers.OpenShelfHeaders")
    )
    assert not any(name == "headers.py" for _, name in rules_at(root))


def test_starlette_helper_in_a_project_of_two_apps_is_not_keyed(tmp_path: Path) -> None:
    root = copy(tmp_path, "starlette/route_helper_headers_under_cors_middleware")
    (root / "transit" / "admin.py").write_text(
        "from fastapi import FastAPI\n\nadmin = FastAPI()\n\n\n@admin.get('/health')\nasync def health():\n    return {}\n"
    )
    found = rules_at(root)
    assert ("CORS105", "caching.py") in found
    assert ("CORS302", "caching.py") not in found  # which app serves the helper is not read


def test_fastify_static_in_an_encapsulated_plugin_gets_no_shared_key(tmp_path: Path) -> None:
    root = copy(tmp_path, "fastify/static_set_headers_beside_cors_plugin")
    plugin = root / "src" / "plugins" / "media-files.js"
    text = plugin.read_text().replace(
        "module.exports = fp(async (instance) => {", "module.exports = async (instance) => {"
    )
    plugin.write_text(text.replace("});\n});\n", "});\n};\n"))
    found = rules_at(root)
    assert ("CORS105", "media-files.js") in found
    assert ("CORS302", "media-files.js") not in found


def test_flask_hook_helper_called_with_two_apps_meets_on_the_parameter(tmp_path: Path) -> None:
    root = copy(tmp_path, "flask/hook_in_helper_beside_flask_cors")
    factory = root / "clinic" / "__init__.py"
    factory.write_text(
        factory.read_text()
        + "\n\ndef create_admin_app():\n    admin_app = Flask('admin')\n    install_cross_origin(admin_app)\n    return admin_app\n"
    )
    # whichever app it is handed, CORS(app) and the hook are on the same one: the hook,
    # registered later, answers first and the extension never decides (census 11 C3)
    assert ("CORS303", "cross_origin.py") in rules_at(root)
