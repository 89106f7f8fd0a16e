"""The modules that may import a Node module (express/importer_candidates): read only
where an import of it can be spelt, so that a project where its name is a common word
(`headers.ts`, `app.js`) does not have every module that says the word parsed."""

from __future__ import annotations

from pathlib import Path

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
