"""Differential truth for t3-env's `createEnv({ server, client, shared, runtimeEnv })`
(corslint/extractors/js/env_schemas.py `t3_created_env`): what corslint reads from each
declared field against what the real @t3-oss/env-core (0.11.1, on zod 3.23.8, pinned in
tests/node) returns for an empty environment. A field with a `.default(...)` holds that
value ("when X is unset"); an optional field is unknown to corslint and undefined in the
real object; a field that transforms its input (`z.coerce`) stays unknown."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.extractors.js.module import parse
from corslint.extractors.js.syntax import walk
from tests.test_differential_express import NODE_DIR, require_node_package

OPTIONS = """{
  server: {
    PORT: z.coerce.number().default(4000),
    WEB_APP_ORIGIN: z.string().url().default("http://localhost:5173"),
    TRUSTED_ORIGINS: z.string().default("https://a.example.com,https://b.example.com"),
    ADMIN_ORIGIN: z.string().url().optional(),
  },
  clientPrefix: "PUBLIC_",
  client: { PUBLIC_SITE: z.string().default("https://site.example.com") },
  shared: { STAGE: z.enum(["dev", "live"]).default("dev") },
  runtimeEnv: RUNTIME,
  emptyStringAsUndefined: true,
}"""
READS = ("PORT", "WEB_APP_ORIGIN", "TRUSTED_ORIGINS", "ADMIN_ORIGIN", "PUBLIC_SITE", "STAGE")


def _real() -> dict[str, object]:
    script = (
        "const { createEnv } = require('@t3-oss/env-core');\nconst { z } = require('zod');\n"
        f"const env = createEnv({OPTIONS.replace('RUNTIME', '{}')});\n"
        f"console.log(JSON.stringify(Object.fromEntries({json.dumps(READS)}.map((k) => [k, env[k]]))));"
    )
    done = subprocess.run(["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, check=True)
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


def _corslint(tmp_path: Path) -> dict[str, object]:
    source = 'import { createEnv } from "@t3-oss/env-core";\nimport { z } from "zod";\n'
    source += f"export const env = createEnv({OPTIONS.replace('RUNTIME', 'process.env')});\n"
    source += "".join(f"const read_{name} = env.{name};\n" for name in READS)
    file = tmp_path / "env.ts"
    file.write_text(source)
    module = parse("env.ts", source, file)
    values: dict[str, object] = {}
    for node in walk(module.root):
        if node.type == "variable_declarator" and module.text(node.child_by_field_name("name")).startswith(
            "read_"
        ):
            value = module.resolve(node.child_by_field_name("value"))
            name = module.text(node.child_by_field_name("name")).removeprefix("read_")
            values[name] = value.raw if value.known else "<unknown>"
    return values


def test_createenv_defaults_are_what_an_empty_environment_gives(tmp_path: Path) -> None:
    require_node_package("@t3-oss/env-core")
    real, ours = _real(), _corslint(tmp_path)
    for name in READS:
        if ours[name] == "<unknown>":
            assert name in {"PORT", "ADMIN_ORIGIN"}, name  # a transform; an optional variable
            continue
        assert real.get(name) == ours[name], (name, real.get(name), ours[name])
    assert ours["WEB_APP_ORIGIN"] == "http://localhost:5173" and "ADMIN_ORIGIN" not in real
