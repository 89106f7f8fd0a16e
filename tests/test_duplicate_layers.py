"""CORS302 and code paths: layers in two arms of one `if`, `match` or `switch` never
answer the same request; a layer outside a condition meets every layer inside one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.model import exclusive_arms
from corslint.runner.run import lint
from corslint.runner.settings import Settings

FASTAPI = "import os\nfrom fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\n"
FLASK = "import os\nfrom flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
EXPRESS = "const express = require('express');\nconst cors = require('cors');\nconst app = express();\n"

STARLETTE_LAYER = 'app.add_middleware(CORSMiddleware, allow_origins=["https://{0}.example.com"])\n'
FLASK_LAYER = 'CORS(app, origins=["https://{0}.example.com"])\n'
EXPRESS_LAYER = "app.use(cors({{ origin: 'https://{0}.example.com' }}));\n"

# (file, head, a layer, the code that puts it in an arm)
PYTHON_IF = (
    "if os.getenv('STAGE') == 'beta':\n    {0}else:\n    {1}",
    "if os.getenv('STAGE') == 'beta':\n    {1}",
)
FRAMEWORKS = {
    "starlette": ("main.py", FASTAPI, STARLETTE_LAYER, PYTHON_IF),
    "flask": ("app.py", FLASK, FLASK_LAYER, PYTHON_IF),
    "express": (
        "server.js",
        EXPRESS,
        EXPRESS_LAYER,
        (
            "if (process.env.STAGE === 'beta') {{\n  {0}}} else {{\n  {1}}}\n",
            "if (process.env.STAGE === 'beta') {{\n  {1}}}\n",
        ),
    ),
}


def duplicates(root: Path, framework: str, shape: int, one_outside: bool) -> list[int]:
    name, head, layer, shapes = FRAMEWORKS[framework]
    first, second = layer.format("beta"), layer.format("www")
    body = shapes[shape].format(first, second)
    text = head + (first if one_outside else "") + body
    (root / name).write_text(text)
    if name.endswith(".js"):
        (root / "package.json").write_text(json.dumps({"dependencies": {"cors": "2.8.5"}}))
    return [f.location.line for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS302"]


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_layers_in_the_two_arms_of_an_if_are_not_duplicates(in_tmp: Path, framework: str) -> None:
    assert duplicates(in_tmp, framework, shape=0, one_outside=False) == []


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_a_layer_outside_meets_the_layer_under_a_condition(in_tmp: Path, framework: str) -> None:
    """`CORS(app)` and, under `if`, a second `CORS(app)`: both answer when the test holds."""
    head_lines = FRAMEWORKS[framework][1].count("\n")
    # reported at the second layer: after the head, the first layer and the `if`
    assert duplicates(in_tmp, framework, shape=1, one_outside=True) == [head_lines + 3]


@pytest.mark.parametrize(
    ("one", "other", "exclusive"),
    [
        ("if@5", "else@5", True),
        ("case0@5", "case2@5", True),
        ("if@5/if@9", "if@5/else@9", True),
        ("if@5", "if@5/if@9", False),  # the inner arm runs inside the outer one
        ("", "if@5", False),  # code outside every condition runs with each arm
        ("if@5", "else@7", False),  # two different statements: both may hold
        ("if@5", "if@5", False),
    ],
)
def test_exclusive_arms(one: str, other: str, exclusive: bool) -> None:
    assert exclusive_arms(one, other) is exclusive
    assert exclusive_arms(other, one) is exclusive


def test_javascript_statements_sharing_a_line_are_told_apart(in_tmp: Path) -> None:
    """`if (A) {} else y; if (B) z;` on one line: y's else and z's if belong to two
    statements, so y and z can both run."""
    layer = EXPRESS_LAYER.rstrip("\n")
    line = f"if (process.env.A) {{}} else {layer.format('b')} if (process.env.B) {layer.format('c')}\n"
    (in_tmp / "server.js").write_text(EXPRESS + line)
    (in_tmp / "package.json").write_text(json.dumps({"dependencies": {"cors": "2.8.5"}}))
    found = [f for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS302"]
    assert len(found) == 1 and found[0].location.column > line.index("process.env.B")
