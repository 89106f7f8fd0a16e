"""`app.config.from_object("pkg.settings.production")` of a module that takes its values
through `from .base import *` (`flask.star_config_names`), checked against the real Flask
and Flask-CORS: the upper-case names the star import binds are config keys, `__all__`
limits them, and a computed `__all__` leaves them unknown. corslint only reads the files;
the tests run them (in a subprocess, so that the projects' packages do not meet)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, sole_policy_inside

pytest.importorskip("flask_cors")

PROJECT = FIXTURES / "flask" / "config_module_star_base"
REAL = """
import importlib, json, sys
app = importlib.import_module(sys.argv[1]).create_app()
answer = app.test_client().get(sys.argv[2], headers={"Origin": sys.argv[3]})
print(json.dumps({"origins": app.config.get("CORS_ORIGINS"),
                  "allow_origin": answer.headers.get("Access-Control-Allow-Origin"),
                  "credentials": answer.headers.get("Access-Control-Allow-Credentials")}))
"""


def _real(project: Path, module: str, path: str, origin: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", REAL, module, path, origin],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin", "LEDGER_SECRET_KEY": "k"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_fixture_star_imported_settings() -> None:
    real = _real(PROJECT, "ledger", "/api/balance", "http://reports.ledger.example.com")
    policy = sole_policy_inside(PROJECT, "flask_cors")
    written = list(policy.options["origins"].plain())  # the resource's, as flask-cors merges them
    assert written == real["origins"]
    # what CORS103 says: the plain-HTTP origin is answered, with credentials
    assert real["allow_origin"] == "http://reports.ledger.example.com" and real["credentials"] == "true"


APP = (
    "from flask import Flask\nfrom flask_cors import CORS\n\n\ndef create_app():\n"
    "    app = Flask(__name__)\n"
    '    app.config["CORS_ORIGINS"] = ["https://default.example.com"]\n'
    '    app.config.from_object("desk.settings.live")\n'
    '    CORS(app, origins=app.config["CORS_ORIGINS"])\n\n'
    '    @app.get("/")\n    def home():\n        return "ok"\n\n    return app\n'
)
BASE = 'CORS_ORIGINS = ["https://base.example.com"]\nOTHER = 1\n'
CASES: dict[str, tuple[str, Any]] = {  # case -> (base's `__all__` line, corslint's origins)
    "no_all": ("", ["https://base.example.com"]),
    "all_lists_it": ('__all__ = ["CORS_ORIGINS", "OTHER"]\n', ["https://base.example.com"]),
    "all_leaves_it_out": ('__all__ = ["OTHER"]\n', ["https://default.example.com"]),
    "computed_all": ("__all__ = [n for n in dir() if n.isupper()]\n", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_all_limits_the_names(case: str, tmp_path: Path) -> None:
    line, expected = CASES[case]
    settings = tmp_path / "desk" / "settings"
    settings.mkdir(parents=True)
    (tmp_path / "requirements.txt").write_text("flask\nflask-cors\n")
    (tmp_path / "desk" / "__init__.py").write_text(APP)
    (settings / "__init__.py").touch()
    (settings / "base.py").write_text(BASE + line)
    (settings / "live.py").write_text("from .base import *  # noqa: F403\n\nDEBUG = False\n")
    real = _real(tmp_path, "desk", "/", "https://x.example.com")
    value = sole_policy_inside(tmp_path, "flask_cors").options["origins"]
    extracted = list(value.plain()) if value.known else None
    if expected is None:
        assert extracted is None  # CORS305, whatever the real app holds
    else:
        assert extracted == expected == real["origins"]
