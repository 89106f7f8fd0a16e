"""`dead_header_helpers`: a project with more files than the search may read is given up on
(the helper stays judged) before any of its files is read; at the limit it is read whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import corslint.extractors.express.dead_header_helpers as dead_header_helpers
from corslint.extractors.express.dead_header_helpers import never_used
from corslint.extractors.js.project import JsProject

_HELPER = (
    "module.exports = (res) => {\n  res.setHeader('Access-Control-Allow-Origin', '*')\n  return res\n}\n"
)
_LIMIT = 5  # project files the search may read, for these tests


def _project(tmp_path: Path, others: int) -> Path:
    """A project of `_LIMIT` files: an unused helper, a routes module and `others` modules."""
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "dependencies": {"express": "4"}}))
    (tmp_path / "src" / "reply").mkdir(parents=True)
    (tmp_path / "src" / "reply" / "unused.js").write_text(_HELPER)
    (tmp_path / "src" / "routes.js").write_text("module.exports = require('express')()\n")
    for number in range(others):
        (tmp_path / "src" / f"m{number}.js").write_text(f"module.exports = {number}\n")
    return tmp_path


def _dead(root: Path) -> bool:
    module = JsProject().load(root / "src/reply/unused.js", "src/reply/unused.js")
    assert module is not None
    return never_used(module, module.of_kind("arrow_function")[0])


def test_helper_of_a_project_at_the_limit_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dead_header_helpers, "MAX_FILES", _LIMIT)
    assert _dead(_project(tmp_path, _LIMIT - 2))


def test_project_past_the_limit_is_given_up_on_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dead_header_helpers, "MAX_FILES", _LIMIT)
    root = _project(tmp_path, _LIMIT - 1)
    assert not _dead(root)

    read_bytes = Path.read_bytes

    def unread(path: Path) -> bytes:  # the manifests above it are still looked at
        assert path.suffix != ".js", f"{path} read for a project past the limit"
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", unread)
    assert dead_header_helpers.other_files((root / "src/reply/unused.js").resolve()) is None
