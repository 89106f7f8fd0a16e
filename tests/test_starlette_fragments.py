"""Which calls the Starlette extractor reads as `CORSMiddleware` layers when the class is
not imported by name: fragments that never import it, and names bound to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_lint

LAYER = 'app.add_middleware({cls}, allow_origins=["*"], allow_methods=["GET"])\n'


def starlette_lines(tmp_path: Path, source: str) -> list[int]:
    (tmp_path / "snippet.py").write_text(source)
    result = run_lint(tmp_path)
    return sorted(p.location.line for p in result.policies if p.framework == "starlette")


@pytest.mark.parametrize(
    "source",
    [
        LAYER.format(cls="CORSMiddleware"),
        "from starlette.middleware.cors import *\n" + LAYER.format(cls="CORSMiddleware"),
        "import fastapi.middleware.cors as cors\nlayer = cors.CORSMiddleware\n" + LAYER.format(cls="layer"),
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "def setup(app):\n    chosen = CORSMiddleware\n    " + LAYER.format(cls="chosen"),
    ],
)
def test_the_class_is_recognised(tmp_path: Path, source: str) -> None:
    assert len(starlette_lines(tmp_path, source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        # the project's own class, or one a star import of another module may bring
        "class CORSMiddleware:\n    pass\n" + LAYER.format(cls="CORSMiddleware"),
        "from .middleware import *\n" + LAYER.format(cls="CORSMiddleware"),
        "from .middleware import CORSMiddleware\n" + LAYER.format(cls="CORSMiddleware"),
        "def setup(app, CORSMiddleware):\n    " + LAYER.format(cls="CORSMiddleware"),
        "CORSMiddleware = load_plugin('cors')\n" + LAYER.format(cls="CORSMiddleware"),
        # another class bound to a name
        "from .audit import AuditLayer\nlayer = AuditLayer\n" + LAYER.format(cls="layer"),
    ],
)
def test_other_classes_are_not_layers(tmp_path: Path, source: str) -> None:
    assert starlette_lines(tmp_path, source) == []
