"""Differential truth for values corslint reads on an environment variable's default:
comparisons and `&&` over known values (`js/comparisons.py`) and a helper called with the
request whose early exit the default decides (`js/helper_returns.py`, `pickOrigin(req)`).

Each snippet is run by node with every variable it names unset, and the value of `RESULT`
(or of `OUT`, what a handler holding it answers) printed; corslint resolves `RESULT` in the
same snippet. Where corslint claims a known
value, it must be node's; where the request decides (`req.headers.origin || ""`), corslint
must leave it unknown.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from corslint.extractors.js.module import parse
from tests.test_differential_express import NODE_DIR, require_node_package

# the request, which corslint cannot know (its fallback stands for a request read)
REQUEST = "const req = globalThis.incoming ?? { headers: { origin: 'https://evil.example' } };\n"
SNIPPETS: dict[str, tuple[str, bool]] = {  # name -> (source defining RESULT, known to corslint)
    "env-list-ternary": (
        "const sites = process.env.APP_SITES ? process.env.APP_SITES.split(',') : ['*'];\n"
        "const RESULT = sites.length === 1 && sites[0] === '*' ? '*' : sites;\n",
        True,
    ),
    "picker-helper": (
        "function trusted() {\n"
        "  return (process.env.TRUSTED_SITES ?? '').split(',').map((s) => s.trim()).filter(Boolean);\n"
        "}\n"
        "function pick(request) {\n"
        "  const sites = trusted();\n"
        "  if (sites.length === 0) return '*';\n"
        "  const origin = request.headers.origin || '';\n"
        "  return sites.includes(origin) ? origin : sites[0];\n"
        "}\n"
        "const RESULT = pick(req);\n",
        True,
    ),
    "flag-and-default": (
        "const mode = process.env.CORS_MODE || 'strict';\n"
        "const RESULT = mode !== 'open' && 'https://app.example.org';\n",
        True,
    ),
    "request-fallback-length": (
        "function handler(request) {\n"
        "  const origin = request.headers.origin || '';\n"
        "  const RESULT = origin.length > 0;\n"
        "  return RESULT;\n"
        "}\n"
        "const OUT = handler(req);\n",
        False,
    ),
}


def _node_value(source: str) -> object:
    shown = "OUT" if "const OUT" in source else "RESULT"  # RESULT inside a handler: its answer
    script = REQUEST + source + f"console.log(JSON.stringify({shown}));"
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, check=True, env=env
    )
    return json.loads(done.stdout)


def _corslint_value(tmp_path: Path, source: str) -> tuple[bool, object]:
    text = REQUEST + source
    file = tmp_path / "snippet.js"
    file.write_text(text)
    module = parse("snippet.js", text, file)
    value = module.resolve(module.binding("RESULT"))
    return value.known, value.plain() if value.known else None


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_values_on_unset_variables_match_node(tmp_path: Path, name: str) -> None:
    require_node_package("cors")  # the harness folder's node is what runs the snippet
    source, known = SNIPPETS[name]
    real = _node_value(source)
    resolved, ours = _corslint_value(tmp_path, source)
    assert resolved is known, (name, ours, real)
    if known:
        assert (list(ours) if isinstance(ours, tuple) else ours) == real, (name, ours, real)
