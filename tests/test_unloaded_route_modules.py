"""`never_loaded`: an Express route module no project file requires (sweep 12 Y1), and the
safeguards that keep a module judged."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from corslint.extractors.express.unloaded_route_modules import never_loaded

ROUTE = b"const express = require('express');\nconst router = express.Router();\nmodule.exports = router;\n"


def _project(tmp_path: Path, server: str, **extra: str) -> SimpleNamespace:
    (tmp_path / ".git").mkdir()
    manifest = {"name": "p", "main": "server.js", "dependencies": {"express": "^4.19.2"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    (tmp_path / "server.js").write_text(server)
    for name, text in extra.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "routes").mkdir()
    route = tmp_path / "routes" / "stock.js"
    route.write_bytes(ROUTE)
    return SimpleNamespace(file=route, source=ROUTE)


SERVER = "const express = require('express');\nconst app = express();\napp.listen(3000);\n"


def test_never_required(tmp_path: Path) -> None:
    assert never_loaded(_project(tmp_path, SERVER))


def test_required_relatively(tmp_path: Path) -> None:
    assert not never_loaded(_project(tmp_path, SERVER + "app.use('/stock', require('./routes/stock.js'));\n"))


def test_imported_through_an_alias(tmp_path: Path) -> None:
    assert not never_loaded(_project(tmp_path, SERVER + "import stock from '@/routes/stock';\n"))


def test_a_computed_require(tmp_path: Path) -> None:
    assert not never_loaded(_project(tmp_path, SERVER + "const load = (n) => require(n);\n"))


def test_named_by_a_config_or_script(tmp_path: Path) -> None:
    assert not never_loaded(_project(tmp_path, SERVER, **{"nodemon.json": '{"watch": ["routes/stock.js"]}'}))
    other = tmp_path / "other"
    other.mkdir()
    assert not never_loaded(_project(other, SERVER, Procfile="web: node routes/stock.js\n"))


def test_a_path_loading_framework(tmp_path: Path) -> None:
    module = _project(tmp_path, SERVER)
    manifest = {"name": "p", "dependencies": {"express": "^4", "express-file-routing": "^3"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    assert not never_loaded(module)
