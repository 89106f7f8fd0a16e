"""Differential truth for a validated environment over a committed `.env`
(extractors/js/env_fields.py, shared by envalid's `cleanEnv` and zod schemas).

tests/fixtures/express/envalid_env_committed_dotenv_over_default commits a `.env` that sets
the origin variable; its env module runs on the real dotenv and envalid (tests/node) from the
project's folder, as the app starts there. A string field's value must be the `.env`'s (its
`*` default never applies) and a field the `.env` does not set its default.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

PROJECT = FIXTURES / "express" / "envalid_env_committed_dotenv_over_default"


def _started_env(project: Path, module: str) -> dict[str, object]:
    """What the env module exports when node starts in a copy of `project`."""
    copy = Path(tempfile.mkdtemp(prefix=".env-committed-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        here = copy / project.name
        script = f"process.stdout.write(JSON.stringify(require({json.dumps(str(here / module))})));"
        done = subprocess.run(
            ["node", "-e", script],
            cwd=here,
            env={"PATH": os.environ.get("PATH", ""), "NODE_ENV": "production"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        started: dict[str, object] = json.loads(done.stdout)
        return started
    finally:
        shutil.rmtree(copy)


def test_the_committed_env_wins_over_envalid_defaults() -> None:
    require_node_package("envalid")
    require_node_package("dotenv")
    real = _started_env(PROJECT, "src/env.js")
    (policy,) = policies_linted_inside(PROJECT, "express")
    origin, credentials = policy.options["origin"], policy.options["credentials"]
    assert real["DESK_WEB_ORIGIN"] == origin.raw == "https://desk.example.com"
    assert real["DESK_COOKIES"] is credentials.raw is True
    assert real["DESK_API_TIMEOUT"] == 30  # `num` parsed the `.env`'s "30"
