"""A Python test module whose Access-Control header names sit only in docstrings, in
assertions that span lines and in comments is not read by python_headers
(runner/asserted_statements.py); any other mention sends it to the parser as before."""

from __future__ import annotations

from pathlib import Path

import pytest

import corslint.runner.prefilter as prefilter
from corslint.engine import FileOutcome
from corslint.runner.asserted_headers import _ASSERTION_OR_COMMENT, only_asserted
from corslint.runner.asserted_statements import is_test_module, only_in_inert_statements
from corslint.runner.discovery import Candidate

# an original test module in the shape of a CKAN-like CORS test: docstrings that name the
# headers, an assertion over several lines, a unittest assertion over several lines
SPANNING = b'''"""Access-Control-Allow-* headers of the API under each cors setting."""
import pytest


def test_no_cors_settings(app):
    """Without cors settings, no Access-Control-Allow headers in the response."""
    headers = dict(app.get("/api/3").headers)
    assert "Access-Control-Allow-Origin" not in headers  # one line: the line screen's


@pytest.mark.settings(allow_all=True)
def test_allow_all(app):
    headers = dict(app.get("/api/3", headers={"Origin": "https://a.example"}).headers)
    assert (
        headers["Access-Control-Allow-Methods"]
        == "GET, POST, OPTIONS"
    )


class TestPreflight:
    """Preflights: Access-Control-Max-Age as configured."""

    def test_max_age(self):
        response = self.client.options("/api/3")
        self.assertEqual(
            response.headers["Access-Control-Max-Age"],
            "600",
        )
'''


def _inert(source: bytes) -> bool:
    return only_in_inert_statements(source, source.lower(), _ASSERTION_OR_COMMENT)


def test_docstrings_and_assertions_over_several_lines_are_inert() -> None:
    assert not only_asserted(SPANNING.lower())  # the line screen cannot tell
    assert _inert(SPANNING)


@pytest.mark.parametrize(
    "code",
    [
        b'def view(response):\n    response["Access-Control-Allow-Origin"] = "*"\n',
        b'ALLOWED = {\n    "Access-Control-Allow-Origin": "*",\n}\n',
        b'RAW = """HTTP/1.1 204\nAccess-Control-Allow-Origin: *\n"""\n',
        b'def answer():\n    return (\n        """Access-Control-Allow-Origin: *"""\n    )\n',
        b'send(\n    "Access-Control-Allow-Origin",\n)\n',
        b'assert_cors(\n    r, "Access-Control-Allow-Origin"\n)\n',
        b'x = 1; headers["Access-Control-Allow-Origin"] = "*"; assert x\n',
    ],
)
def test_any_other_mention_is_code(code: bytes) -> None:
    assert not _inert(SPANNING + b"\n\n" + code)


@pytest.mark.parametrize(
    "source",
    [
        SPANNING + b"\ndef broken(:\n",  # does not parse: read as before
        SPANNING.replace(b"\n", b"\r\n"),
        b"\xef\xbb\xbf" + SPANNING,
        b"import os\n",  # no mention
    ],
)
def test_what_the_tree_cannot_settle_goes_to_the_parser(source: bytes) -> None:
    assert not _inert(source)


def test_only_test_modules_are_parsed_for_it() -> None:
    assert (
        is_test_module("test_base.py") and is_test_module("api_test.py") and is_test_module("cors_tests.py")
    )
    assert not is_test_module("middleware.py") and not is_test_module("contests.py")


def test_python_headers_does_not_read_such_a_test_module(tmp_path: Path) -> None:
    def readers(name: str) -> list[str]:
        file = tmp_path / name
        file.write_bytes(SPANNING)
        screened = prefilter.screen(Candidate(str(file), name))
        return [] if isinstance(screened, FileOutcome) else [e.name for e in screened[1]]

    assert "python_headers" not in readers("test_cors.py")
    # not named as a test: the line screen alone, as before
    assert "python_headers" in readers("cors_checks.py")
