"""The modules that may import a Node module (express/importer_candidates): read only
where an import of it can be spelt, so that a project where its name is a common word
(`headers.ts`, `app.js`) does not have every module that says the word parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.project import JsProject

MIDDLEWARE = "export default function headers(req, res, next) { next(); }\n"


def _project(root: Path, files: dict[str, str]) -> JsProject:
    (root / "package.json").write_text('{"name": "shop"}\n')
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return JsProject()


def _importers(root: Path, own: str, files: dict[str, str]) -> set[str]:
    project = _project(root, files)
    module = project.module(own, (root / own).read_text(), root / own)
    found = candidate_importers(module)
    assert found is not None
    return {Path(m.path).name for m in found.modules}


def test_only_modules_that_can_spell_an_import_of_it_are_read(tmp_path: Path) -> None:
    files = {
        "src/headers.ts": MIDDLEWARE,
        "src/app.ts": "import headers from './headers';\napp.use(headers);\n",
        "src/esm.mjs": "import headers from './headers.js';\n",
        "src/alias.ts": "import headers from '@/headers';\n",
        "src/required.js": "const headers = require(`./headers`);\n",
        "src/words.ts": "res.setHeaders(new Map());\nconst headersSent = true;\n",
        "src/other.ts": "const x = 'no mention';\n",
    }
    assert _importers(tmp_path, "src/headers.ts", files) == {"app.ts", "esm.mjs", "alias.ts", "required.js"}


def test_an_index_module_is_looked_for_by_its_folder_as_before(tmp_path: Path) -> None:
    files = {
        "src/headers/index.ts": MIDDLEWARE,
        "src/app.ts": "import headers from './headers';\n",
        "src/headers/inner.ts": "// the headers module's sibling\nimport h from '.';\n",
        "src/words.ts": "const headersSent = true;\n",
    }
    # inside its folder an import of an index file need not name it (`.`, `./index`)
    assert _importers(tmp_path, "src/headers/index.ts", files) == {"app.ts", "inner.ts", "words.ts"}


def test_the_importers_that_use_it_are_found_without_parsing_the_others(tmp_path: Path) -> None:
    """`using_importers` parses only candidates whose text calls a `.use` member, and
    resolves only the specifiers whose last part can name the module (PERF5): the same
    importers as resolving every import of every candidate."""
    from corslint.extractors.express.shared_middleware_routes import _may_name, using_importers

    files = {
        "src/headers.ts": MIDDLEWARE,
        "src/app.ts": "import headers from './headers';\nimport db from './db';\napp.use(headers);\n",
        "src/api.ts": "import h from './headers.js';\nrouter\n  .use(h);\n",
        "src/typed.ts": "import { default as h } from './headers';\napp?.use<Request>(h);\n",
        "src/alias.ts": "import headers from '@/headers';\nserver.use(headers);\n",
        "src/other.ts": "import headers from './headers';\nexport const names = Object.keys(headers);\n",
        "src/db.ts": "export default {};\n",
    }
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}\n')
    project = _project(tmp_path, files)
    own = tmp_path / "src/headers.ts"
    module = project.module("src/headers.ts", own.read_text(), own)
    found = using_importers(module)
    assert found is not None
    assert {Path(m.path).name for m in found} == {"app.ts", "api.ts", "typed.ts", "alias.ts"}
    assert not any(name.endswith("other.ts") for name in project.modules)  # never parsed
    real = own.resolve()
    assert _may_name("./headers", real) and _may_name("../src/headers.js", real)
    assert _may_name("./headers/", real) and _may_name("./headers.ts", real)
    assert not _may_name("./db", real) and not _may_name("./headersx", real)
    assert _may_name("@/headers", real) and _may_name("express", real)  # resolved as before
    index = (tmp_path / "src/lib/index.ts").resolve()
    assert _may_name("..", index) and _may_name("./lib", index)


def test_only_a_module_that_makes_policies_has_its_importers_scanned_for_bearer_signs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importers' bearer evidence (CORS204) is evidence of policies: a module that
    spells Allow-Headers and makes none (a list of header names) needs no scan (PERF5)."""
    from corslint.extractors.context import ProjectContext
    from corslint.extractors.express import extractor

    scanned: list[str] = []
    original = extractor.using_app_bearer_evidence

    def counting(module):  # type: ignore[no-untyped-def]
        scanned.append(module.path)
        return original(module)

    monkeypatch.setattr(extractor, "using_app_bearer_evidence", counting)
    names = "export const KNOWN = ['Content-Type', 'Access-Control-Allow-Headers'];\n"
    handwritten = (
        "export function cors(req, res, next) {\n"
        "  res.setHeader('Access-Control-Allow-Origin', 'https://shop.example');\n"
        "  res.setHeader('Access-Control-Allow-Headers', 'Content-Type');\n"
        "  next();\n}\n"
    )
    # the app uses the middleware: a helper nothing calls makes no policy (dead_header_helpers)
    app = "import express from 'express';\nimport { cors } from './cors';\nexpress().use(cors);\n"
    _project(tmp_path, {"src/names.ts": names, "src/cors.ts": handwritten, "src/app.ts": app})
    monkeypatch.chdir(tmp_path)
    assert not extractor.extract("src/names.ts", names, ProjectContext()).policies
    assert extractor.extract("src/cors.ts", handwritten, ProjectContext()).policies
    assert scanned == ["src/cors.ts"]
