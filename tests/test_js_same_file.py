"""`names_file` answers as `path.resolve() == own` does, without resolving where no link can
make two names one file."""

from __future__ import annotations

import os
from pathlib import Path

from corslint.extractors.js.project_files import names_file


def test_names_file_agrees_with_resolve(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    own = tmp_path / "src" / "cors.js"
    own.write_text("module.exports = {};\n")
    (tmp_path / "src" / "other.js").write_text("\n")
    os.symlink("cors.js", tmp_path / "src" / "alias.js")  # another name, the same file
    os.symlink("src", tmp_path / "linked")  # the same name through a linked folder
    real = own.resolve()
    paths = [
        own,
        tmp_path / "src" / "other.js",
        tmp_path / "src" / "alias.js",
        tmp_path / "linked" / "cors.js",
        tmp_path / "src" / ".." / "src" / "cors.js",
        tmp_path / "missing" / "cors.js",
    ]
    for path in paths:
        assert names_file(path, real) == (path.resolve() == real), path
    assert names_file(tmp_path / "src" / "alias.js", real)
    assert not names_file(tmp_path / "src" / "other.js", real)
