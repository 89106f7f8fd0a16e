"""pydantic 1 and 2 validate URL types differently (docs/semantics/pydantic-urls.md).

pydantic 2 is installed here: its behaviour is checked against the real library in
test_python_source.py. pydantic 1 cannot share a venv with it: the values below were
measured with pydantic 1.10.2 in a throwaway venv, and the test re-measures them live when
`CORSLINT_PYDANTIC1_PYTHON` names an interpreter that has pydantic 1 installed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from corslint.extractors.python.pydantic_fields import _pydantic_url
from corslint.extractors.python.pydantic_version import (
    declared_major,
    major_of_imports,
    major_of_specifier,
)

# `str()` of each text validated as `List[AnyHttpUrl]` by a pydantic 1.10.2 BaseSettings
# default (BaseSettings validates its defaults: `validate_all = True`)
PYDANTIC1_ANYHTTPURL = {
    "http://localhost": "http://localhost",
    "http://localhost:8000": "http://localhost:8000",
    "http://LOCALHOST:3000": "http://LOCALHOST:3000",
    "https://example.com:443": "https://example.com:443",
    "http://example.com/": "http://example.com/",
    "https://Example.com": "https://Example.com",
    "http://localhost:80": "http://localhost:80",
    " http://localhost:5173 ": "http://localhost:5173",
}

_MEASURE = """
import json, sys
from typing import List
from pydantic import BaseSettings, AnyHttpUrl
texts = json.loads(sys.argv[1])
class S(BaseSettings):
    A: List[AnyHttpUrl] = texts
print(json.dumps([str(x) for x in S().A]))
"""


@pytest.mark.parametrize(("text", "measured"), sorted(PYDANTIC1_ANYHTTPURL.items()))
def test_pydantic1_keeps_urls_as_written(text: str, measured: str) -> None:
    assert _pydantic_url(text, 1) == measured


def test_pydantic1_measurement_is_current() -> None:
    interpreter = os.environ.get("CORSLINT_PYDANTIC1_PYTHON")
    if not interpreter:
        pytest.skip("no pydantic 1 interpreter (CORSLINT_PYDANTIC1_PYTHON)")
    texts = list(PYDANTIC1_ANYHTTPURL)
    out = subprocess.run(
        [interpreter, "-c", _MEASURE, json.dumps(texts)], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == list(PYDANTIC1_ANYHTTPURL.values())


def test_unknown_major_adds_no_slash_and_reports_neither_case_nor_port() -> None:
    assert _pydantic_url("http://localhost", None) == "http://localhost"
    assert _pydantic_url("https://Example.com:443", None) == "https://example.com"
    assert _pydantic_url("http://example.com/app", None) == "http://example.com/app"


@pytest.mark.parametrize(
    ("specifier", "major"),
    [
        ("==1.10.2", 1),
        ("~=1.10", 1),
        ("^1.10", 1),
        ("1.10.13", 1),
        (">=1.8,<2.0", 1),
        ("<2", 1),
        ("<1.10.3", 1),
        ("^2.5", 2),
        (">=2.4", 2),
        (">=2,<3", 2),
        (">=1.8", None),
        (">=1.8,<3", None),
        ("<3", None),
        ("!=1.8", None),
    ],
)
def test_major_of_specifier(specifier: str, major: int | None) -> None:
    assert major_of_specifier(specifier) == major


def test_major_of_imports() -> None:
    assert major_of_imports(["pydantic.BaseSettings", "pydantic.AnyHttpUrl"]) == 1
    assert major_of_imports(["pydantic.v1.AnyHttpUrl"]) == 1
    assert major_of_imports(["pydantic_settings.BaseSettings", "pydantic.AnyHttpUrl"]) == 2
    assert major_of_imports(["pydantic.AnyHttpUrl"]) is None
    assert major_of_imports(["pydantic.BaseSettings", "pydantic_settings.BaseSettings"]) is None


@pytest.mark.parametrize(
    ("files", "major"),
    [
        ({"requirements.txt": "fastapi==0.95.2\npydantic[email]==1.10.13\n"}, 1),
        ({"requirements.txt": "pydantic-settings==2.1.0\n"}, 2),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\npydantic = {version = "^1.10", extras = ["dotenv"]}\n'
            },
            1,
        ),
        ({"pyproject.toml": '[project]\ndependencies = ["pydantic>=2.6", "fastapi"]\n'}, 2),
        ({"requirements.txt": "pydantic>=1.8\n"}, None),
        (
            {
                "requirements.txt": "fastapi\n",
                "poetry.lock": '[[package]]\nname = "pydantic"\nversion = "1.10.9"\n',
            },
            1,
        ),
        ({"requirements.txt": "pydantic==1.10.2\n", "requirements-v2.txt": "pydantic==2.5.0\n"}, None),
    ],
)
def test_declared_major(tmp_path: Path, files: dict[str, str], major: int | None) -> None:
    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "app").mkdir()
    assert declared_major(str(tmp_path / "app" / "config.py")) == major
