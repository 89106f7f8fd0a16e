"""A module reached through a linked folder: resolving its path (`realpath`) lstats the
link while the extraction is observed (runner/observed_files.py), and the link's token
read its target through the observed `readlink`, which made that token again: the
extraction ended in a RecursionError, reported as CORS001 "nested too deeply", and the
configuration behind the link was never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corslint.runner.observed_files import LSTAT, observing
from corslint.runner.run import lint
from corslint.runner.settings import Settings

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")

SERVER = (
    'const express = require("express");\nconst cors = require("cors");\n'
    'const options = require("./config/cors");\n\nconst app = express();\napp.use(cors(options));\n'
)
OPTIONS = 'module.exports = { origin: "*", credentials: true };\n'
FLASK_APP = (
    "from flask import Flask\nfrom flask_cors import CORS\n\nfrom config.settings import ORIGINS\n\n"
    "app = Flask(__name__)\nCORS(app, origins=ORIGINS, supports_credentials=True)\n"
)


def _linked_project(root: Path) -> None:
    (root / "shared").mkdir()
    (root / "shared" / "cors.js").write_text(OPTIONS)
    (root / "shared" / "__init__.py").write_text("")
    (root / "shared" / "settings.py").write_text('ORIGINS = "*"\n')
    (root / "config").symlink_to("shared", target_is_directory=True)
    (root / "server.js").write_text(SERVER)
    (root / "app.py").write_text(FLASK_APP)


@pytest.mark.parametrize("isolate", [False, True])
def test_a_module_behind_a_linked_folder_is_read(in_tmp: Path, isolate: bool) -> None:
    _linked_project(in_tmp)
    found = {(f.rule_id, f.location.path) for f in lint([in_tmp], Settings(), isolate=isolate).findings}
    assert not any(rule == "CORS001" for rule, _ in found), found
    assert ("CORS201", "shared/cors.js") in found  # `*` with credentials, through the link
    assert ("CORS101", "app.py") in found  # the settings module imported through the link


def test_the_link_is_observed_once_with_its_target(tmp_path: Path) -> None:
    _linked_project(tmp_path)
    with observing() as observer:
        os.path.realpath(tmp_path / "config" / "cors.js")
    tokens = {token for (kind, path), token in observer.seen.items() if kind == LSTAT}
    assert "lshared" in tokens
