"""Values a CORS configuration reads from elsewhere in the project (issue 14, NODE7A):

- a settings loader `(source = process.env) => ({ open: source.OPEN_CORS !== '0' })`,
  called bare, with a loop before its `return` that changes nothing it returns
  (imputnet/cobalt `api/src/core/env.js`): the comparison with the variable unset is
  true, "when OPEN_CORS is unset" (the fixture `express/env_loader_wildcard_switch`);
- a `.env` that `.gitignore` names, outside a git checkout: the snapshot's own file, read
  (ndvOfc/project_pern_final `server/.env`); inside a checkout it stays a local file.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.syntax import walk
from corslint.model import Provenance
from tests.conftest import run_lint
from tests.test_differential_express import NODE_DIR, require_node_package

LOADER = """\
export const readSettings = (source = process.env) => {
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY']) {
    if (source[key] !== undefined) process.env[key.toLowerCase()] = source[key];
  }
  return {
    openCors: source.OPEN_CORS !== '0',
    strict: source.STRICT_CORS === 'yes',
    stage: source.NODE_ENV === 'production',
  };
};
export const settings = readSettings();
"""


def _resolved(tmp_path: Path, expression: str) -> object:
    file = tmp_path / "env.js"
    file.write_text(LOADER, "utf-8")
    module = JsProject(ProjectContext()).module("env.js", LOADER, file)
    node = next(n for n in walk(module.root) if module.text(n) == expression)
    return module.resolve(node)


def test_settings_loader_reads_unset_variables_as_node_does(tmp_path: Path) -> None:
    """`undefined !== '0'` is true, the answer Node gives."""
    require_node_package("cors")  # node itself is what this needs; any harness package tells
    script = (
        "delete process.env.OPEN_CORS; delete process.env.STRICT_CORS;"
        "const source = process.env;"
        "console.log(JSON.stringify([source.OPEN_CORS !== '0', source.STRICT_CORS === 'yes']));"
    )
    completed = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=True, cwd=NODE_DIR
    )
    expected = json.loads(completed.stdout)
    settings = _resolved(tmp_path, "readSettings()")
    assert settings.known and isinstance(settings.raw, dict)  # type: ignore[attr-defined]
    fields = settings.raw  # type: ignore[attr-defined]
    assert fields["openCors"].raw == expected[0]
    # an opt-in (`=== "yes"`) stays unknown: judging it off would silence what it switches on
    assert not fields["strict"].known
    assert fields["openCors"].provenance is Provenance.ENV_DEFAULT
    assert fields["openCors"].env_var == "OPEN_CORS"
    assert not fields["stage"].known  # NODE_ENV is the deployment's: judged by production_arm only


def _project(root: Path) -> Path:
    project = root / "server"
    (project / "config").mkdir(parents=True)
    (project / "package.json").write_text(
        '{"name": "pern-server", "dependencies": {"cors": "2.8.5", "dotenv": "16.4.5", "express": "4.21.2"}}',
        "utf-8",
    )
    (project / ".gitignore").write_text("node_modules/\n.env\n", "utf-8")
    (project / ".env").write_text("PORT=5001\nCLIENT_URL=http://localhost:3000\n", "utf-8")
    (project / "config" / "cors.js").write_text(
        "module.exports = { origin: process.env.CLIENT_URL, credentials: true };\n", "utf-8"
    )
    (project / "app.js").write_text(
        "require('dotenv').config();\nconst express = require('express');\nconst cors = require('cors');\n"
        "const app = express();\napp.use(cors(require('./config/cors')));\napp.listen(process.env.PORT);\n",
        "utf-8",
    )
    return project


def _rules(project: Path) -> list[str]:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return sorted(f.rule_id for f in run_lint(Path(".")).findings)
    finally:
        os.chdir(cwd)


def test_ignored_env_outside_a_checkout_is_read(tmp_path: Path) -> None:
    if any((folder / ".git").exists() for folder in (tmp_path, *tmp_path.parents)):
        pytest.skip("the temporary folder is inside a git checkout")
    assert _rules(_project(tmp_path)) == ["CORS106"]


def test_ignored_env_inside_a_checkout_stays_local(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert _rules(_project(tmp_path)) == ["CORS305"]
