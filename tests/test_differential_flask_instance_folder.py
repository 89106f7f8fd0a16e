"""`app.config.from_pyfile(name)` of an app made with `instance_relative_config=True`
(`flask.instance_folder`), checked against the real Flask and Flask-CORS: the file read is
the one in the instance folder beside the top package (or beside a module in no package),
never the file of the same name beside the app module. corslint only reads the files;
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

PROJECT = FIXTURES / "flask" / "pyfile_from_instance_folder"
REAL = """
import importlib, json, sys
app = importlib.import_module(sys.argv[1]).create_app()
answer = app.test_client().get("/tickets", headers={"Origin": sys.argv[2]})
print(json.dumps({"origins": app.config["CORS_ORIGINS"], "instance": app.instance_path,
                  "allow_origin": answer.headers.get("Access-Control-Allow-Origin")}))
"""


def _real(project: Path, module: str, origin: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", REAL, module, origin],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _origins(project: Path) -> Any:
    value = sole_policy_inside(project, "flask_cors").options["origins"]
    return value.plain() if value.known else None


def test_fixture_reads_the_instance_file() -> None:
    real = _real(PROJECT, "tickets", "http://localhost:5173")
    assert Path(real["instance"]) == (PROJECT / "instance").resolve()
    assert real["origins"] == ["http://localhost:5173"]
    assert real["allow_origin"] == "http://localhost:5173"  # what CORS106 says
    assert list(_origins(PROJECT)) == real["origins"]
    # the example file beside the package (`"*"`) is not what the app runs with
    assert _real(PROJECT, "tickets", "https://attacker.invalid")["allow_origin"] is None


APP = (
    "from flask import Flask\nfrom flask_cors import CORS\n\n\ndef create_app():\n"
    "    app = Flask(__name__, instance_relative_config=True)\n"
    '    app.config.from_mapping(CORS_ORIGINS=["https://a.example.com"])\n'
    '    app.config.from_pyfile("cors.py", silent=True)\n'
    '    CORS(app, origins=app.config["CORS_ORIGINS"])\n\n'
    '    @app.get("/tickets")\n    def tickets():\n        return "[]"\n\n    return app\n'
)


@pytest.mark.parametrize("layout", ["module", "package", "subpackage", "no_instance_file"])
def test_layouts(layout: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\nflask-cors\n")
    folder, module = {
        "module": (tmp_path, "server"),
        "package": (tmp_path / "desk", "desk"),
        "subpackage": (tmp_path / "desk" / "web", "desk.web"),
        "no_instance_file": (tmp_path, "server"),
    }[layout]
    folder.mkdir(parents=True, exist_ok=True)
    for parent in [folder, *folder.parents]:
        if parent == tmp_path:
            break
        (parent / "__init__.py").touch()
    target = folder / ("__init__.py" if layout in {"package", "subpackage"} else "server.py")
    target.write_text(APP)
    (folder / "cors.py").write_text('CORS_ORIGINS = ["https://beside.example.com"]\n')
    if layout != "no_instance_file":
        (tmp_path / "instance").mkdir()
        (tmp_path / "instance" / "cors.py").write_text('CORS_ORIGINS = ["https://instance.example.com"]\n')
    real = _real(tmp_path, module, "https://x.example.com")
    assert Path(real["instance"]) == (tmp_path / "instance").resolve()
    assert list(_origins(tmp_path)) == real["origins"]
    assert "https://beside.example.com" not in real["origins"]
