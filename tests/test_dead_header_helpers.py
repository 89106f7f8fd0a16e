"""`dead_header_helpers.never_used`: a CORS header helper is dead only when the whole
project says so; every unsure shape keeps it judged (sweep 12 X1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.extractors.express.dead_header_helpers import never_used
from corslint.extractors.js.project import JsProject

_HELPER = """module.exports = (res) => {
  res.setHeader('Access-Control-Allow-Origin', '*')
  return res
}
"""
_INDEX = """const open = require('./open')
const openForDelete = require('./openForDelete')

module.exports = { open, openForDelete }
"""
_ROUTES = """const express = require('express')
const { open } = require('./reply')

const app = express()
app.get('/', (req, res) => open(res).json({}))
module.exports = app
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "dependencies": {"express": "4"}}))
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _dead(root: Path, helper: str) -> bool:
    project = JsProject()
    module = project.load(root / helper, helper)
    assert module is not None
    function = module.of_kind("arrow_function", "function_declaration")[0]
    return never_used(module, function)


def _reply_project(tmp_path: Path, **extra: str) -> Path:
    files = {
        "src/reply/open.js": _HELPER,
        "src/reply/openForDelete.js": _HELPER,
        "src/reply/index.js": _INDEX,
        "src/routes.js": _ROUTES,
    }
    files.update(extra)
    return _project(tmp_path, files)


def test_reexported_helper_nobody_destructures_is_dead(tmp_path: Path) -> None:
    root = _reply_project(tmp_path)
    assert _dead(root, "src/reply/openForDelete.js")
    assert not _dead(root, "src/reply/open.js")  # destructured and called by routes.js


def test_named_export_nobody_imports_is_dead(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "src/libs/reply.ts": "export const formatReply = (body: unknown) => ({\n"
            "  statusCode: 200,\n  headers: { 'Access-Control-Allow-Origin': '*' },\n"
            "  body: JSON.stringify(body),\n})\n",
            "src/main.ts": "export const main = async () => ({ statusCode: 204 })\n",
        },
    )
    assert _dead(root, "src/libs/reply.ts")


@pytest.mark.parametrize(
    "extra",
    [
        # the gathering module imported whole: which member is called is not followed
        {"src/other.js": "const reply = require('./reply')\nmodule.exports = (k, res) => reply[k](res)\n"},
        # modules loaded by a computed name
        {
            "src/load.js": "const fs = require('fs')\nfor (const f of fs.readdirSync(__dirname)) require('./' + f)\n"
        },
        # the name mentioned elsewhere without an import corslint can follow
        {"src/other.js": "module.exports = (res) => global.helpers.openForDelete(res)\n"},
        # a path that does not resolve
        {"src/other.js": "const h = require('./reply/openForDelete.cjs')\nmodule.exports = h\n"},
        # called by a module importing it directly
        {"src/other.js": "const h = require('./reply/openForDelete')\nmodule.exports = (r, res) => h(res)\n"},
    ],
)
def test_unsure_or_used_helpers_stay_judged(tmp_path: Path, extra: dict[str, str]) -> None:
    root = _reply_project(tmp_path, **extra)
    assert not _dead(root, "src/reply/openForDelete.js")


def test_helper_named_by_a_configuration_file_stays_judged(tmp_path: Path) -> None:
    root = _reply_project(
        tmp_path, **{"serverless.yml": "functions:\n  drop:\n    handler: src/reply/openForDelete.handler\n"}
    )
    assert not _dead(root, "src/reply/openForDelete.js")


def test_helper_in_a_folder_loaded_by_path_stays_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, {"api/cors.js": _HELPER})
    assert not _dead(root, "api/cors.js")


def test_helper_read_in_its_own_module_stays_judged(tmp_path: Path) -> None:
    text = (
        _HELPER.replace("module.exports = ", "const open = ")
        + "open({ setHeader() {} })\nmodule.exports = open\n"
    )
    root = _project(tmp_path, {"src/open.js": text})
    assert not _dead(root, "src/open.js")


def test_a_top_level_helper_stays_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, {"cors.js": _HELPER})  # `node cors.js`, or the package's main
    assert not _dead(root, "cors.js")


def test_a_helper_the_package_entry_reexports_stays_judged(tmp_path: Path) -> None:
    root = _reply_project(tmp_path)
    manifest = {"name": "reply-kit", "main": "src/reply/index.js", "dependencies": {"express": "4"}}
    (root / "package.json").write_text(json.dumps(manifest))
    assert not _dead(root, "src/reply/openForDelete.js")
