"""The Express extractor looks for `cors(...)` calls only in modules that can hold one: a
name bound to the package, or `require("cors")` called in place, spaces anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.runner.run import lint
from corslint.runner.settings import Settings


def _express_policies(root: Path, text: str) -> list[object]:
    (root / "package.json").write_text(json.dumps({"name": "t", "dependencies": {"cors": "2.8.6"}}))
    (root / "server.js").write_text(text)
    return [p for p in lint([root], Settings()).policies if p.framework == "express"]


@pytest.mark.parametrize(
    "call",
    [
        "require('cors')({ origin: 'https://app.example.com' })",
        'require( "cors" )({ origin: "https://app.example.com" })',
        "require(`cors`)()",
    ],
)
def test_a_require_called_in_place_is_read(tmp_path: Path, call: str) -> None:
    text = f"const express = require('express');\nconst app = express();\napp.use({call});\n"
    assert len(_express_policies(tmp_path, text)) == 1


def test_a_module_that_only_mentions_cors_has_no_package_policy(tmp_path: Path) -> None:
    text = (
        "const express = require('express');\nconst app = express();\n"
        "// cors is handled by the gateway\napp.use(require('cors-anywhere')());\n"
    )
    assert _express_policies(tmp_path, text) == []
