"""`never_loaded`: an Express route module no project file requires (sweep 12 Y1), and the
safeguards that keep a module judged."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from corslint.extractors.express.unloaded_route_modules import never_loaded, never_loaded_middleware

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


# sweep 13 W4: a required-in-a-comment route or middleware module loads nothing


def test_required_only_in_a_comment(tmp_path: Path) -> None:
    assert never_loaded(_project(tmp_path, SERVER + "// app.use('/stock', require('./routes/stock.js'));\n"))
    other = tmp_path / "block"
    other.mkdir()
    block = SERVER + "/*\napp.use('/stock', require('./routes/stock'));\n*/\n"
    assert never_loaded(_project(other, block))


def test_a_path_pattern_is_no_comment(tmp_path: Path) -> None:
    server = SERVER + "app.options('/*', (req, res) => res.end()); app.use(require('./routes/stock'));\n"
    assert not never_loaded(_project(tmp_path, server))


MIDDLEWARE = b"module.exports = (req, res, next) => {\n  res.header('Access-Control-Allow-Origin', '*');\n  next();\n};\n"


def _middleware(
    tmp_path: Path, server: str, name: str = "headers.js", deps: dict[str, str] | None = None
) -> SimpleNamespace:
    (tmp_path / ".git").mkdir()
    manifest = {
        "name": "p",
        "main": "server.js",
        "dependencies": deps if deps is not None else {"express": "^4"},
    }
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    (tmp_path / "server.js").write_text(server)
    (tmp_path / "middleware").mkdir()
    module = tmp_path / "middleware" / name
    module.write_bytes(MIDDLEWARE)
    return SimpleNamespace(file=module, source=MIDDLEWARE)


def test_a_middleware_module_required_only_in_a_comment(tmp_path: Path) -> None:
    server = SERVER + "// app.use(require('./middleware/headers'));\n"
    assert never_loaded_middleware(_middleware(tmp_path, server))


def test_a_middleware_module_required(tmp_path: Path) -> None:
    assert not never_loaded_middleware(
        _middleware(tmp_path, SERVER + "app.use(require('./middleware/headers'));\n")
    )


def test_the_package_of_the_module_name(tmp_path: Path) -> None:
    # `require('cors')` names the package, not middleware/cors.js (haishisai/nodejs)
    server = "const cors = require('cors');\n" + SERVER + "// app.use(require('./middleware/cors'));\n"
    assert never_loaded_middleware(_middleware(tmp_path, server, "cors.js", deps={}))
    aliased = tmp_path / "aliased"
    aliased.mkdir()
    module = _middleware(aliased, server, "cors.js", deps={})
    (aliased / "jsconfig.json").write_text('{"compilerOptions": {"baseUrl": "middleware"}}')
    assert not never_loaded_middleware(module)


def test_a_typescript_esm_specifier(tmp_path: Path) -> None:
    # `./middleware/headers.js` names `headers.ts` once compiled (kilkaVhlebe/HackatonBack)
    module = _middleware(tmp_path, SERVER + "import { headers } from './middleware/headers.js';\n")
    ts = module.file.with_suffix(".ts")
    module.file.rename(ts)
    assert not never_loaded_middleware(SimpleNamespace(file=ts, source=MIDDLEWARE))
