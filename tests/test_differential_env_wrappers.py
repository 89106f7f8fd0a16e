"""Differential truth for env schemas behind wrappers: envalid's `cleanEnv(process.env, {...})`
(`extractors/js/envalid_env.py`) and convict's `config.get('cors.origin')`
(`extractors/js/convict_config.py`).

Each fixture's env module runs on the real envalid (tests/node, 8.2.0) as a production start
with the CORS variables unset would run it (NODE_ENV=production, the spec's required
non-CORS variables set); the values it returns must be the values corslint resolved for the
cors options (its `default`s, as written), and a field with only a `devDefault` must make
envalid refuse to start, which is why corslint leaves it unknown (CORS305). The convict
fixture's config module runs on the real convict (tests/node, 6.2.5) with the variables unset
and set: unset, `config.get(...)` must be the defaults corslint read; set, the variable wins
(which is why the finding says "when CORS_ORIGIN is unset"). The options then reach the real
cors package in tests/test_differential_express.py, as every fixture's do.
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

EXPRESS = FIXTURES / "express"


def _run_env_module(
    project: Path, module: str, env: dict[str, str], export: str
) -> subprocess.CompletedProcess[str]:
    copy = Path(tempfile.mkdtemp(prefix=".envalid-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        target = (copy / project.name / module).as_uri()
        script = (
            f"const m = await import({json.dumps(target)});"
            f"const env = {export};"
            "process.stdout.write(JSON.stringify(env));"
        )
        return subprocess.run(
            ["node", "--input-type=module", "-e", script],
            cwd=NODE_DIR,
            env={"PATH": os.environ.get("PATH", ""), **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        shutil.rmtree(copy)


def test_defaults_are_the_values_a_production_start_gets() -> None:
    require_node_package("envalid")
    project = EXPRESS / "envalid_env_defaults_star_credentials"
    (policy,) = policies_linted_inside(project, "express")
    done = _run_env_module(
        project,
        "src/config.js",
        {"NODE_ENV": "production", "DATABASE_URL": "postgres://db/lockers"},
        "m.default",
    )
    assert done.returncode == 0, done.stderr
    real = json.loads(done.stdout)
    options = policy.options
    assert options["origin"].raw == real["LOCKER_CORS_ORIGIN"] == "*"
    assert options["credentials"].raw is real["LOCKER_CORS_CREDENTIALS"] is True
    assert options["maxAge"].raw == real["LOCKER_CORS_MAX_AGE"] == 600
    assert options["origin"].env_var == "LOCKER_CORS_ORIGIN"


def test_a_dev_default_alone_is_no_deployed_value() -> None:
    require_node_package("envalid")
    project = EXPRESS / "envalid_env_dev_default_only"
    (policy,) = policies_linted_inside(project, "express")
    assert not policy.options["origin"].known
    production = _run_env_module(project, "src/env.js", {"NODE_ENV": "production"}, "m.env")
    assert production.returncode != 0 and "QUIZ_WEB_ORIGIN" in production.stderr
    development = _run_env_module(project, "src/env.js", {"NODE_ENV": "development", "PORT": "4100"}, "m.env")
    assert development.returncode == 0, development.stderr
    assert json.loads(development.stdout)["QUIZ_WEB_ORIGIN"] == "http://localhost:5173"


def test_convict_settings_are_their_defaults_while_the_variables_are_unset() -> None:
    require_node_package("convict")
    project = EXPRESS / "convict_config_cors_defaults"
    (policy,) = policies_linted_inside(project, "express")
    read = "{ origin: m.default.get('cors.origin'), credentials: m.default.get('cors.credentials') }"
    unset = _run_env_module(project, "src/config.js", {}, read)
    assert unset.returncode == 0, unset.stderr
    real = json.loads(unset.stdout)
    origins = policy.options["origin"]
    assert [entry.raw for entry in origins.raw] == real["origin"]
    assert policy.options["credentials"].raw is real["credentials"] is True
    assert origins.env_var == "CORS_ORIGIN"
    given = _run_env_module(
        project, "src/config.js", {"CORS_ORIGIN": "https://a.example,https://b.example"}, read
    )
    assert json.loads(given.stdout)["origin"] == ["https://a.example", "https://b.example"]
