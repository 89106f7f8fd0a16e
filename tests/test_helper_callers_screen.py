"""python_headers reads a CORS helper's keyword defaults from the calls other modules
make (helper_defaults): a module whose bytes name the helper but cannot call it is not
parsed for that (PERF6: 146 of 585 parses on a tree of 54 real projects were such)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.context import ProjectContext
from corslint.extractors.python_headers.project_scan import _call_of, modules_mentioning


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        (b"allow(request, response)", True),
        (b"cors.allow (request)", True),
        (b"(allow)(request, response)", True),  # parentheses around the callee
        (b"(\n    allow  # the helper\n)(request)", True),
        (b"allow \\\n    (request)", True),
        (b"disallow(request)", False),
        (b"ALLOW = 'allow'  # allow is the helper", False),
        (b"allow.cache_clear()", False),
    ],
)
def test_what_counts_as_a_call_of_the_helper(text: bytes, calls: bool) -> None:
    assert (_call_of("allow").search(text) is not None) is calls


def test_only_modules_that_can_call_the_helper_are_parsed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cors.py").write_text(
        "def allow(request, response, credentials=True):\n"
        "    response.headers['Access-Control-Allow-Origin'] = '*'\n"
    )
    (package / "views.py").write_text(
        "from app.cors import allow\n\n\ndef view(request, response):\n    (allow)(request, response)\n"
    )
    (package / "docs.py").write_text("# `allow` writes the CORS headers\nHELPERS = ['allow']\n")
    context = ProjectContext()
    helper = context.python.module_at(package / "cors.py")
    assert helper is not None
    named = modules_mentioning(helper, context, b"allow")
    called = modules_mentioning(helper, context, b"allow", calling="allow")
    assert sorted(Path(m.path).name for m in named) == ["docs.py", "views.py"]
    assert [Path(m.path).name for m in called] == ["views.py"]
