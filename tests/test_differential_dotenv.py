"""Differential truth: how corslint reads a committed `.env` (`js.dotenv_values`) against
the real `dotenv` package's `parse` (pinned in tests/node), on the shapes real projects
commit: spaces around `=`, quotes, inline comments, `export`, repeated keys, URLs with
`=` and `#` in them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.extractors.js.dotenv_values import _parsed
from tests.test_differential_express import NODE_DIR, require_node_package

ENV_TEXT = """\
# front end of the test bench
FRONT_URL = http://192.168.0.10:5173
BACKEND_URL=http://127.0.0.1:3000
CORS_ORIGINS="https://a.example.com,https://b.example.com" # both sites
SINGLE='https://single.example.com'
TICKED=`https://ticked.example.com`
export EXPORTED=https://exported.example.com
HASHED=https://hash.example.com#frag
SPACED_HASH=https://spaced.example.com # trailing note
EMPTY=
QUERY=https://q.example.com/?a=1&b=2
REPEATED=https://first.example.com
REPEATED=https://second.example.com
DOTTED.NAME=https://dotted.example.com
  INDENTED=https://indented.example.com
UNCLOSED="https://unclosed.example.com
CRLF=https://crlf.example.com\r
"""


def _dotenv_parse(text: str) -> dict[str, str]:
    require_node_package("dotenv")
    script = (
        "process.stdout.write(JSON.stringify(require('dotenv').parse(require('fs').readFileSync(0, 'utf8'))))"
    )
    done = subprocess.run(
        ["node", "-e", script], input=text, capture_output=True, text=True, cwd=NODE_DIR, check=True
    )
    parsed: dict[str, str] = json.loads(done.stdout)
    return parsed


def test_committed_env_read_as_dotenv_reads_it(tmp_path: Path) -> None:
    file = tmp_path / ".env"
    file.write_bytes(ENV_TEXT.encode())
    ours = _parsed(file, ".env")
    assert ours is not None and isinstance(ours.raw, dict)
    read = {name: value.raw for name, value in ours.raw.items()}
    real = _dotenv_parse(ENV_TEXT)
    assert read == real
    assert len(real) >= 14
