"""Byte tests that spare parses (PERF7), and the runner telling its caller of findings as
the workers send them back.

- config_files: a data file whose stem is a common word (`data` for `app/data.yml`) was
  looked for in every JavaScript module holding the word; only a module that names it in
  a string, as an import or a read names a file, is parsed.
- starlette: the modules an app imports are parsed for bearer evidence only when their
  bytes can hold it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from corslint.extractors.config_files.byte_screen import may_name_data_file
from corslint.extractors.context import ProjectContext
from corslint.extractors.starlette.routes import bearer_evidence


@pytest.mark.parametrize(
    ("source", "names"),
    [
        (b"const options = require('./app/data.yml')", True),
        (b"import options from '../data.json'", True),
        (b'fs.readFileSync(path.join(__dirname, "data.yml"), "utf8")', True),
        (b"fs.readFileSync(`${__dirname}/data.yml`)", True),
        (b"fs.readFileSync('.\\\\data.yml')", True),  # a Windows separator, escaped
        (b"import options from '#data'", True),  # a package.json `imports` alias
        (b"import config from 'config'", True),  # node-config
        (b"const rows = data.map((row) => row.id)", False),
        (b"config.get('cors')", False),
        (b"// reads the metadata file", False),
    ],
)
def test_what_names_a_data_file(source: bytes, names: bool) -> None:
    assert may_name_data_file(source, (b"data", b"config")) is names


def _project(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_a_data_file_read_by_code_is_still_found(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "package.json": '{"name": "wiki", "dependencies": {"cors": "2.8.5"}}',
            "app/data.yml": "cors:\n  origin: '*'\n  credentials: true\n",
            "server/index.js": "const data = require('../app/data.yml')\nconst rows = data.rows\n",
            "server/rows.js": "module.exports = (data) => data.map((row) => row.id)\n",
        },
    )
    found = _check(tmp_path)
    # the app reads data.yml itself: its `cors` mapping is the app's, not cors()'s options
    assert not [f for f in found if f["location"]["path"].endswith("data.yml")]


def _check(tree: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "corslint", "check", "--no-cache", "--exit-zero", "--format", "json", "."],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


def test_bearer_evidence_in_imported_modules(tmp_path: Path) -> None:
    _project(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'api'\n",
            "api/__init__.py": "",
            "api/security.py": (
                "from fastapi.security import OAuth2PasswordBearer\n\n"
                "scheme = OAuth2PasswordBearer(tokenUrl='token')\n"
            ),
            "api/headers.py": "def token(request):\n    return request.headers.get('authorization')\n",
            "api/aliases.py": "from api.security import *\n",
            "api/models.py": "class Item:\n    name: str = ''\n",
            "api/main.py": (
                "from fastapi import FastAPI\n"
                "from api.security import scheme\n"
                "from api.headers import token\n"
                "from api.aliases import scheme as again\n"
                "from api.models import Item\n\n"
                "app = FastAPI()\n"
            ),
        },
    )
    context = ProjectContext()
    main = context.python.module_at(tmp_path / "api/main.py")
    assert main is not None
    evidence = bearer_evidence(main)
    assert sorted(e.detail for e in evidence) == ["OAuth2PasswordBearer()", "the Authorization header"]
    parsed = {Path(str(path)).name for path in context.python._modules}
    assert "models.py" not in parsed  # nothing in it can be evidence: not parsed
    assert {"security.py", "headers.py", "aliases.py"} <= parsed


def test_the_runner_tells_its_caller_of_findings_as_workers_answer(tmp_path: Path) -> None:
    from corslint.runner.run import POOL_THRESHOLD, lint
    from corslint.runner.settings import Settings

    for index in range(POOL_THRESHOLD + 10):
        (tmp_path / f"m{index // 100}" / f"f{index}.py").parent.mkdir(exist_ok=True)
        (tmp_path / f"m{index // 100}" / f"f{index}.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\n\n"
        "app = Flask(__name__)\nCORS(app, origins='*', supports_credentials=True)\n"
    )
    told: list[str] = []
    result = lint([tmp_path], Settings(), jobs=2, on_findings=lambda f: told.extend(x.rule_id for x in f))
    assert told and set(told) <= {f.rule_id for f in result.findings}


def test_the_python_literal_parser_is_imported_ahead_only_for_a_fix_that_needs_it() -> None:
    from corslint.cli.fixing import getting_ready_for_fixes
    from corslint.findings import Finding, Level, Location

    def finding(rule_id: str, path: str) -> Finding:
        return Finding(rule_id, Level.WARNING, "m", Location.point(path, 1))

    before = set(threading.enumerate())
    ready = getting_ready_for_fixes(lambda rule_id: True)
    ready([finding("CORS101", "app.py"), finding("CORS204", "server.js")])  # fixes without libcst
    assert set(threading.enumerate()) == before
    ready([finding("CORS204", "app.py")])
    started = set(threading.enumerate()) - before
    for thread in started:
        thread.join()
    assert "tokenize" in sys.modules  # what a bare literal is read with (PERF13: not libcst)


_BARE_LITERALS = """
import sys
from corslint.fixes.literals import python_rendered, python_string
assert python_string("'https://a.example/'") == "https://a.example/"
assert python_string('R"x"') == "x" and python_string("u\'\'\'y\'\'\'") == "y"
assert python_rendered('R"x"', "https://b.example") == 'r"https://b.example"'
assert python_rendered("'x'", "it's") is None
assert python_string('os.getenv("ORIGIN", "https://a.example")') is None
assert python_string("True") is None and python_string("[origin for origin in x]") is None
assert "libcst" not in sys.modules
assert python_string("( 'a' )") == "a" and "libcst" in sys.modules
assert python_string("b'x'") is None and python_string("f'x'") is None
assert python_string("'a' 'b'") is None
assert python_rendered("( 'a' )", "b") == "( 'b' )"
"""


def test_a_bare_python_literal_is_read_and_rewritten_without_libcst() -> None:
    """A finding's span that is one string literal is read with the standard library's
    tokenizer, as libcst reads it; anything more (parentheses, a comment) still goes
    through libcst, which costs 0.15 s of CPU to import (PERF13)."""
    subprocess.run([sys.executable, "-c", _BARE_LITERALS], check=True)


def test_js_test_mentions_are_screened_as_the_alternation_screened_them() -> None:
    """PERF13: `only_in_js_tests` finds mentions with `bytes.find` and reads the passing
    tests backwards from each mention; every answer is the regular expressions' own."""
    import random

    from corslint.runner import asserted_headers as screen

    pieces = [
        *(b"cors", b"access-control-", b"enablecors", b"apollo-server", b"x", b"\n", b"//", b"/*"),
        *(b"*", b" ", b"\t", b"expect", b"assert", b"await ", b".expect(", b"(", b'"', b"'", b"`"),
        *(b"it", b"test", b"describe", b".only", b".", b"mode", b":", b"_", b"9", b"-"),
    ]
    generator = random.Random(13)
    for _ in range(5000):
        text = b"".join(generator.choice(pieces) for _ in range(generator.randint(0, 16)))
        assert list(screen._js_mentions(text)) == [m.start() for m in screen._JS_NEEDLES.finditer(text)]
        for start in range(len(text) + 1):
            line_start = text.rfind(b"\n", 0, start) + 1
            expected = screen._JS_PASSING.search(text, line_start, start) is not None
            assert screen._passing(text, line_start, start) == expected, (text, start)
