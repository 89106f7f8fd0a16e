"""YAML read through a loader object the project builds (`python.yaml_placeholders`),
checked against the real PyYAML and Starlette: a plain `${NAME:fallback}` scalar is the
fallback when NAME is unset, a quoted one stays the text as written, a constructor corslint
cannot read leaves the entry unknown, and a loader with nothing registered reads as
`yaml.safe_load`. corslint only reads the files; the tests run them (in a subprocess, so
that the projects' packages do not meet)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.model import CorsPolicy, Provenance
from tests.conftest import FIXTURES, sole_policy_inside

pytest.importorskip("yaml")

PROJECT = FIXTURES / "starlette" / "yaml_loader_env_placeholders"
ATTACKER = "https://attacker.invalid"

REAL = """
import json, sys
from starlette.testclient import TestClient
from notebook.config import settings
from notebook.server import app
response = TestClient(app).get("/notes", headers={"Origin": sys.argv[1], "Cookie": "s=1"})
print(json.dumps({"origins": settings.api.cors.allow_origins,
                  "allow_origin": response.headers.get("access-control-allow-origin"),
                  "credentials": response.headers.get("access-control-allow-credentials")}))
"""


def _run(project: Path, code: str, env: dict[str, str], *args: str) -> Any:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NOTEBOOK_")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=project,
        env={**clean, "PYTHONPATH": str(project), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _entries(policy: CorsPolicy) -> list[Any]:
    value = policy.options["allow_origins"]
    assert value.known and isinstance(value.raw, tuple)
    return [item.raw if item.known else None for item in value.raw]


def test_fixture_fallback_is_what_the_app_uses_when_unset() -> None:
    pytest.importorskip("starlette.testclient")
    pytest.importorskip("pydantic")
    real = _run(PROJECT, REAL, {"NOTEBOOK_ADMIN_ORIGIN": "https://admin.example.org"}, ATTACKER)
    policy = sole_policy_inside(PROJECT, "starlette")
    extracted = _entries(policy)
    assert real["origins"] == ["*", "https://admin.example.org", "https://notebook.example.org"]
    assert extracted == ["*", None, "https://notebook.example.org"]  # the required one: CORS305
    first = policy.options["allow_origins"].raw[0]
    assert first.provenance is Provenance.ENV_DEFAULT and first.env_var == "NOTEBOOK_WEB_ORIGIN"
    # what CORS101 says: any Origin is answered, with credentials
    assert real["allow_origin"] == ATTACKER and real["credentials"] == "true"


def test_fixture_set_variable_replaces_the_fallback() -> None:
    pytest.importorskip("starlette.testclient")
    env = {
        "NOTEBOOK_ADMIN_ORIGIN": "https://admin.example.org",
        "NOTEBOOK_WEB_ORIGIN": "https://web.example.org",
    }
    real = _run(PROJECT, REAL, env, ATTACKER)
    assert real["origins"][0] == "https://web.example.org"  # why corslint says "when ... is unset"
    assert real["allow_origin"] is None


LOADER = """import os
import re

from yaml import SafeLoader

PATTERN = re.compile(r"\\$\\{{\\w+(:.*)?\\}}")


def read(stream, env=os.environ):
    loader = SafeLoader(stream)
{body}    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
"""
SHAPED = (
    "\n    def expand(_loader, node):\n"
    '        name, _, fallback = str(node.value)[2:-1].partition(":")\n'
    "        return env.get(name) or fallback\n\n"
    '    loader.add_implicit_resolver("!env", PATTERN, None)\n'
    '    loader.add_constructor("!env", expand)\n'
)
OTHER = (
    "\n    def expand(_loader, node):\n"
    "        return os.path.expandvars(node.value)\n\n"
    '    loader.add_implicit_resolver("!env", PATTERN, None)\n'
    '    loader.add_constructor("!env", expand)\n'
)
APP = (
    "from pathlib import Path\n\nfrom fastapi import FastAPI\n"
    "from fastapi.middleware.cors import CORSMiddleware\n\nfrom loader import read\n\n"
    'with open(Path(__file__).parent / "cors.yaml") as handle:\n    CONF = read(handle)\n\n'
    "app = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=CONF["origins"])\n'
)
CASES: dict[str, tuple[str, str, list[Any]]] = {  # case -> (loader body, YAML, corslint's entries)
    "plain_fallback": (SHAPED, "origins:\n  - ${WEB:https://a.example.com}\n", ["https://a.example.com"]),
    "quoted_stays_text": (
        SHAPED,
        'origins:\n  - "${WEB:https://a.example.com}"\n',
        ["${WEB:https://a.example.com}"],
    ),
    "unread_constructor": (OTHER, "origins:\n  - ${WEB:https://a.example.com}\n", [None]),
    "nothing_registered": (
        "",
        "origins:\n  - ${WEB:https://a.example.com}\n",
        ["${WEB:https://a.example.com}"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_loader_shapes(case: str, tmp_path: Path) -> None:
    body, yaml_text, expected = CASES[case]
    (tmp_path / "loader.py").write_text(LOADER.format(body=body))
    (tmp_path / "cors.yaml").write_text(yaml_text)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "requirements.txt").write_text("fastapi\npyyaml\n")
    real = _run(tmp_path, "import json\nfrom app import CONF\nprint(json.dumps(CONF['origins']))", {})
    extracted = _entries(sole_policy_inside(tmp_path, "starlette"))
    assert extracted == expected
    if expected[0] is not None:
        assert real == expected  # what corslint reads is what the loader gives, WEB unset


GLOBAL = (
    "import os\nimport re\nfrom pathlib import Path\n\nimport yaml\n"
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    'yaml.add_implicit_resolver("!env", re.compile(r"^.*\\$\\{\\w+\\}.*$"), None, Loader=yaml.SafeLoader)\n'
    'yaml.add_constructor("!env", lambda loader, node: os.path.expandvars(node.value), Loader=yaml.SafeLoader)\n\n'
    'with open(Path(__file__).parent / "cors.yaml") as handle:\n    CONF = yaml.safe_load(handle)\n\n'
    "app = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=CONF["origins"])\n'
)


def test_resolver_registered_on_pyyaml_itself(tmp_path: Path) -> None:
    """`yaml.safe_load` after `yaml.add_implicit_resolver(..., Loader=yaml.SafeLoader)`:
    a plain `${X}` is what the constructor makes, not the text; a quoted one stays text."""
    (tmp_path / "cors.yaml").write_text('origins:\n  - https://${DOMAIN}\n  - "${DOMAIN}"\n')
    (tmp_path / "app.py").write_text(GLOBAL)
    (tmp_path / "requirements.txt").write_text("fastapi\npyyaml\n")
    code = "import json\nfrom app import CONF\nprint(json.dumps(CONF['origins']))"
    real = _run(tmp_path, code, {"DOMAIN": "a.example.com"})
    assert real == ["https://a.example.com", "${DOMAIN}"]
    assert _entries(sole_policy_inside(tmp_path, "starlette")) == [None, "${DOMAIN}"]
