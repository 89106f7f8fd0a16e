"""Files that name CORS in passing and are not read as server code: copied browser
libraries (runner/library_builds.py) and Python tests that only assert the headers a
response carries (runner/asserted_headers.py). Neither may cost a finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import corslint.runner.prefilter as prefilter
from corslint.engine import EMPTY_OUTCOME, FileOutcome, Prepared
from corslint.runner.asserted_headers import only_asserted, only_in_js_tests
from corslint.runner.discovery import Candidate
from corslint.runner.library_builds import library_build
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import FIXTURES, ROOT, run_cli

BANNERED = (
    "/*!\n * jQuery JavaScript Library v3.6.0\n * Released under the MIT license\n */\n"
    "(function (global) {\n  support.cors = !!xhrSupported && ('withCredentials' in xhrSupported);\n})(this);\n"
)
UMD = (
    ";(function (root, make) {\n"
    "  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = make() :\n"
    "  typeof define === 'function' && define.amd ? define(make) : root.dates = make();\n"
    "}(this, function () {\n  var it = { past: 'la scorsa settimana' };\n  return it;\n}));\n"
)
# webpack's UMD output, as terser and prettier leave it (swagger-ui-bundle.js copied into static/)
WEBPACK_UMD = (
    "/*! For license information please see bundle.js.LICENSE.txt */\n!(function (e, t) {\n"
    '  "object" == typeof exports && "object" == typeof module\n    ? (module.exports = t())\n'
    '    : "function" == typeof define && define.amd\n    ? define([], t)\n    : (e.Viewer = t());\n'
    '})(this, () => ({ fetch: (u) => fetch(u, { mode: "cors" }) }));\n'
)
SERVER = "const cors = require('cors');\nconst app = require('express')();\napp.use(cors());\n"


def _screened(tmp_path: Path, name: str, text: str) -> FileOutcome | Prepared:
    file = tmp_path / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    return prefilter.screen(Candidate(str(file), name))


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (BANNERED, "jQuery's license banner"),
        ("/**\n * @licstart The following is the entire license notice\n */\n", "a @licstart"),
        ("//! moment.js\n//! version : 2.29.4\n", "moment.js's banner"),
        (UMD, "a UMD wrapper"),
        (WEBPACK_UMD, "a UMD wrapper"),
    ],
)
def test_a_copied_browser_library_is_recognised_by_its_head(head: str, what: str) -> None:
    found = library_build(head.lower().encode())
    assert found is not None and found.startswith(what)


@pytest.mark.parametrize(
    "text",
    [
        SERVER,
        "// configures CORS for the API (see docs/define.md)\nmodule.exports = { origin: '*' };\n",
        "import cors from 'cors';\nexport const define = (amd) => cors({ origin: amd });\n",
    ],
)
def test_server_code_is_no_library_build(text: str) -> None:
    assert library_build(text.lower().encode()) is None


def test_a_library_build_is_skipped_with_a_note_and_server_code_is_read(tmp_path: Path) -> None:
    skipped = _screened(tmp_path, "static/vendor/jquery.js", BANNERED)
    assert isinstance(skipped, FileOutcome) and skipped.skipped is not None
    assert "copied browser library (jQuery's license banner)" in skipped.skipped
    read = _screened(tmp_path, "server/app.js", SERVER)
    assert not isinstance(read, FileOutcome)


def test_the_skip_is_shown_never_silent(in_tmp: Path) -> None:
    (in_tmp / "public").mkdir()
    (in_tmp / "public" / "dates.js").write_text(UMD.replace("scorsa", "cors"))
    code, _, stderr = run_cli("check", "--no-cache", "--statistics", ".")
    assert code == 0
    assert "skipped public/dates.js: not analysed: a copied browser library (a UMD wrapper)" in stderr


def test_server_code_importing_a_bannered_module_still_reads_it(in_tmp: Path) -> None:
    """The skip is of the file as one of its own: an import still reads it."""
    (in_tmp / "package.json").write_text('{"dependencies": {"cors": "2.8.5", "express": "4.21.2"}}')
    (in_tmp / "lib").mkdir()
    (in_tmp / "lib" / "options.js").write_text(
        "/**\n * @licstart The notice of this file\n * @licend\n */\n"
        "const title = 'cors options of the API';\nmodule.exports = { origin: true, credentials: true };\n"
    )
    (in_tmp / "server.js").write_text(
        "const cors = require('cors');\nconst options = require('./lib/options');\n"
        "const app = require('express')();\napp.use(cors(options));\napp.listen(3000);\n"
    )
    result = lint([Path(".")], Settings(cache=False), jobs=1)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("CORS101", "lib/options.js")]
    assert [s.path for s in result.skipped] == ["lib/options.js"]


# -- Python tests that only assert Access-Control headers -------------------------------------

ASSERTING = b"""
from django.test import TestCase


class BadgeTests(TestCase):
    def test_it_allows_any_site(self):
        r = self.client.get("/badge/abc.svg")
        # Access-Control-Allow-Origin: any site may embed the badge
        self.assertEqual(r["Access-Control-Allow-Origin"], "*")
        assert "etag" in r["access-control-expose-headers"].lower()
"""


def test_a_test_that_only_asserts_the_headers_is_screened() -> None:
    assert only_asserted(ASSERTING.lower())


@pytest.mark.parametrize(
    "line",
    [
        b'        response["Access-Control-Allow-Origin"] = "*"',
        b'ALLOW_ORIGIN = "Access-Control-Allow-Origin"',
        b'    """No Access-Control-Allow headers without ckan.cors settings."""',
        b'        assert_cors(r, "Access-Control-Allow-Origin")',
        b'        headers = {"Access-Control-Allow-Origin": "*"}',
    ],
)
def test_any_other_mention_sends_the_test_to_the_parser(line: bytes) -> None:
    assert not only_asserted((ASSERTING + line + b"\n").lower())


def test_python_headers_does_not_read_an_asserting_test(tmp_path: Path) -> None:
    assert _screened(tmp_path, "tests/test_badge.py", ASSERTING.decode()) == EMPTY_OUTCOME
    writing = (
        ASSERTING.decode() + '\n\ndef view(response):\n    response["Access-Control-Allow-Origin"] = "*"\n'
    )
    read = _screened(tmp_path, "tests/test_view.py", writing)
    assert not isinstance(read, FileOutcome)
    assert [e.name for e in read[1]] == ["python_headers"]


# -- no finding may be lost ---------------------------------------------------------------


def _everything(monkeypatch: pytest.MonkeyPatch, screened: bool) -> tuple[list[Any], list[Any]]:
    monkeypatch.chdir(ROOT)
    with monkeypatch.context() as patch:
        if not screened:
            patch.setattr(prefilter, "skip_reason", lambda name, lowered, wanted: None)
            patch.setattr(prefilter, "without_asserted_headers", lambda name, lowered, wanted, source: wanted)
        result = lint([FIXTURES.relative_to(ROOT), Path("examples")], Settings(cache=False), jobs=1)
    findings = sorted(
        (f.rule_id, f.location.path, f.location.line, f.location.column, f.message) for f in result.findings
    )
    policies = sorted(
        (p.framework, p.location.path, p.location.line, p.location.column, p.label) for p in result.policies
    )
    return findings, policies


def test_the_screens_lose_no_finding_on_the_fixtures_and_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _everything(monkeypatch, screened=False)
    after = _everything(monkeypatch, screened=True)
    assert len(before[0]) > 100
    assert after == before


# -- JS/TS files that name CORS only in tests and fetch calls ---------------------------------

JS_TEST = b"""
const request = require('supertest');

describe('the API', () => {
  it('answers cors preflights from the dashboard', async () => {
    // Access-Control-Allow-Origin mirrors the dashboard
    await request(api).options('/items').expect('Access-Control-Allow-Origin', 'https://dash.example');
    const response = await fetch(url, { mode: 'cors' });
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });
});
"""


def test_a_js_test_that_only_checks_cors_is_screened() -> None:
    assert only_in_js_tests(JS_TEST.lower())


@pytest.mark.parametrize(
    "line",
    [
        b"app.use(cors({ origin: true, credentials: true }));",
        b"  it('answers', () => app.use(cors()));",
        b"res.setHeader('Access-Control-Allow-Origin', '*');",
        b"const corsOptions = { origin: '*' };",
        b"await request(api).get('/').set('Access-Control-Request-Method', 'PUT');",
        b"new ApolloServer({ cors: false }); // apollo-server",
    ],
)
def test_any_configuring_mention_sends_the_js_file_to_the_parser(line: bytes) -> None:
    assert not only_in_js_tests((JS_TEST + line + b"\n").lower())


def test_the_js_code_extractors_do_not_read_a_js_test_that_only_checks_cors(tmp_path: Path) -> None:
    assert _screened(tmp_path, "test/api.test.js", JS_TEST.decode()) == EMPTY_OUTCOME
    read = _screened(tmp_path, "test/server.test.js", JS_TEST.decode() + "app.use(cors());\n")
    assert not isinstance(read, FileOutcome)
