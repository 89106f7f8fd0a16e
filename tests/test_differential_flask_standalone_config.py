"""A `flask.Config` object filled on its own and handed to the app
(`flask.standalone_config`), checked against the real Flask and Flask-CORS:
`app.config.update(settings)` copies the keys the object holds at that moment (its
`from_object` / `from_pyfile` / item writes before the update, not those after), while
`app.config.from_object(settings)` copies nothing, a Config's keys being no attributes.
corslint only reads the files; the tests run them in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, sole_policy_inside

pytest.importorskip("flask_cors")

PROJECT = FIXTURES / "flask" / "standalone_config_object_update"
ATTACKER = "https://attacker.invalid"
REAL = """
import importlib, json, sys
app = importlib.import_module(sys.argv[1]).create_app()
answer = app.test_client().get(sys.argv[2], headers={"Origin": sys.argv[3]})
print(json.dumps({"origins": app.config.get("CORS_ORIGINS"),
                  "credentials_key": app.config.get("CORS_SUPPORTS_CREDENTIALS"),
                  "allow_origin": answer.headers.get("Access-Control-Allow-Origin"),
                  "credentials": answer.headers.get("Access-Control-Allow-Credentials")}))
"""


def _real(project: Path, module: str, path: str, origin: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", REAL, module, path, origin],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _option(policy: Any, name: str) -> Any:
    value = policy.options.get(name)
    if value is None:
        return "unset"
    if not value.known:
        return None
    return list(value.plain()) if isinstance(value.raw, tuple) else value.plain()


def test_fixture_update_copies_the_object() -> None:
    real = _real(PROJECT, "shop", "/basket", ATTACKER)
    policy = sole_policy_inside(PROJECT, "flask_cors")
    assert real["origins"] == _option(policy, "origins") == "*"
    assert real["credentials_key"] is True and _option(policy, "supports_credentials") is True
    # what CORS101 says: any Origin is echoed, with credentials
    assert real["allow_origin"] == ATTACKER and real["credentials"] == "true"


APP = (
    "import os\n\nfrom flask import Config, Flask\nfrom flask_cors import CORS\n\n\n"
    "def create_app():\n"
    "    app = Flask(__name__)\n"
    "    settings = Config(app.root_path)\n"
    "{writes}"
    "    CORS(app)\n\n"
    '    @app.get("/")\n    def home():\n        return "ok"\n\n    return app\n'
)
PYFILE = 'CORS_ORIGINS = ["https://files.example.com"]\n'
CASES: dict[str, tuple[str, Any]] = {  # case -> (the writes, corslint's `origins`)
    "pyfile_then_update": (
        '    settings.from_pyfile("cors_settings.py")\n    app.config.update(settings)\n',
        ["https://files.example.com"],
    ),
    "item_then_update": (
        '    settings["CORS_ORIGINS"] = ["https://item.example.com"]\n    app.config.update(settings)\n',
        ["https://item.example.com"],
    ),
    "write_after_update_not_copied": (
        '    settings["CORS_ORIGINS"] = ["https://item.example.com"]\n    app.config.update(settings)\n'
        '    settings["CORS_ORIGINS"] = "*"\n',
        ["https://item.example.com"],
    ),
    "from_object_copies_nothing": (  # Flask-CORS's default: every Origin
        '    settings.from_pyfile("cors_settings.py")\n    app.config.from_object(settings)\n',
        "unset",
    ),
    "write_under_condition_unknown": (
        '    if os.environ.get("OPEN_CORS"):\n        settings["CORS_ORIGINS"] = "*"\n'
        '    settings.from_pyfile("cors_settings.py")\n    app.config.update(settings)\n',
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_object_shapes(case: str, tmp_path: Path) -> None:
    writes, expected = CASES[case]
    (tmp_path / "desk.py").write_text(APP.format(writes=writes))
    (tmp_path / "cors_settings.py").write_text(PYFILE)
    (tmp_path / "requirements.txt").write_text("flask\nflask-cors\n")
    real = _real(tmp_path, "desk", "/", "https://files.example.com")
    policy = sole_policy_inside(tmp_path, "flask_cors")
    origins = _option(policy, "origins")
    if expected is None:  # the condition decides: CORS305, never a guess
        assert origins is None or policy.options.get("**") is not None
        assert real["origins"] == ["https://files.example.com"]  # OPEN_CORS unset here
        return
    assert origins == expected
    assert real["origins"] == (None if expected == "unset" else expected)
    if expected == "unset":
        assert real["allow_origin"] == "https://files.example.com"  # any Origin is echoed
