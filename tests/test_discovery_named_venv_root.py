"""A folder named on the command line is linted even where it holds pyvenv.cfg (census 11
B3, Emanuel937/skeletonrestfull: a virtualenv committed at the repository root, the app in
src/): only what is inside it may be skipped as a virtualenv, and its site-packages stays
skipped by name."""

from __future__ import annotations

from pathlib import Path

from corslint.runner.discovery import walk
from tests.test_discovery import ACCEPTS, touch


def _files(*roots: Path) -> list[str]:
    return [c.display for c in walk(list(roots), (), ACCEPTS, [], respect_gitignore=False)]


def test_a_named_root_holding_pyvenv_cfg_is_walked(tmp_path: Path) -> None:
    root = tmp_path / "skeleton"
    touch(root, "src/main.py", "lib/python3.12/site-packages/flask_cors/core.py", "inner/env/app.py")
    (root / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "inner" / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")  # a venv inside: skipped
    for named in (root, Path(str(root) + "/")):
        assert [f.rsplit("/", 2)[-2:] for f in _files(named)] == [["src", "main.py"]]


def test_each_named_root_is_its_own_top(tmp_path: Path) -> None:
    for name in ("one", "two"):
        touch(tmp_path / name, "app.py")
        (tmp_path / name / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert len(_files(tmp_path / "one", tmp_path / "two")) == 2
