"""Host names with `_` are origins: the URL Standard forbids no `_` in a host, so a browser
loads `http://frontend.full_app_proxy.com` and sends that as Origin, and a library that
compares origins as strings (Starlette, django-cors-headers, Flask-CORS) matches it. Checked
against Node's WHATWG `URL` (the standard's reference behaviour) where node is installed;
fixture starlette/underscore_host_origin_clean (the shape of mg-login-examples/
login-backend-fastapi src/core/cors_settings.py, whose development list holds one)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from corslint.browser import canonical_origin
from tests.conftest import FIXTURES, run_lint

ENTRIES = [
    "http://frontend.full_app_proxy.com",
    "https://Rota_Admin.Example.com:443/",
    "http://my_box:8080",
    "https://app.example.com",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_canonical_origin_agrees_with_the_url_standard() -> None:
    script = (
        "const e = JSON.parse(process.argv[1]); console.log(JSON.stringify(e.map((u) => new URL(u).origin)))"
    )
    out = subprocess.run(
        ["node", "-e", script, json.dumps(ENTRIES)], capture_output=True, text=True, check=True
    )
    assert [canonical_origin(entry) for entry in ENTRIES] == json.loads(out.stdout)


def test_underscore_host_is_not_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "starlette" / "underscore_host_origin_clean")
    result = run_lint(Path("."))
    assert len(result.policies) == 1
    assert [f.rule_id for f in result.findings] == []
