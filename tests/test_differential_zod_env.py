"""Differential truth for `envSchema.parse(process.env)` (corslint/extractors/js/env_schemas.py):
what corslint reads from a zod env schema, against what the real zod (3.23.8, pinned in
tests/node) returns for an empty environment (every variable unset).

A field with a `.default(...)` holds that value (judged "when X is unset"); a field without
one is the variable itself, which corslint leaves unknown and zod leaves out (undefined, or
a validation error for a required field); a key the schema does not declare is stripped.
The schema is the one of tests/fixtures/express/zod_env_schema_default_origin, less its
required field, plus optional fields (one around a default) and a read of an undeclared key.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.extractors.js.module import parse
from corslint.extractors.js.syntax import walk
from tests.test_differential_express import NODE_DIR, require_node_package

SCHEMA = """\
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  WEB_ORIGIN: z.string().default("*"),
  ALLOWED_ORIGINS: z.string().default("https://a.example.com,https://b.example.com"),
  API_ORIGIN: z.string().url().optional(),
  DEBUG_CORS: z.string().default("false").optional(),  // optional() around the default: undefined
});
"""
READS = ("NODE_ENV", "WEB_ORIGIN", "ALLOWED_ORIGINS", "API_ORIGIN", "DEBUG_CORS", "UNDECLARED")


def _real(schema: str) -> dict[str, object]:
    script = f"const {{ z }} = require('zod');\n{schema}\nconsole.log(JSON.stringify(EnvSchema.parse({{}})));"
    done = subprocess.run(["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, check=True)
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


def _corslint(tmp_path: Path, schema: str) -> dict[str, object]:
    source = f'import {{ z }} from "zod";\n{schema}\nconst env = EnvSchema.parse(process.env);\n'
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


def test_zod_defaults_are_what_an_empty_environment_parses_to(tmp_path: Path) -> None:
    require_node_package("zod")
    real = _real(SCHEMA)
    ours = _corslint(tmp_path, SCHEMA)
    for name in READS:
        if ours[name] == "<unknown>":
            # a variable read as is: unset, zod leaves it out (undefined)
            assert name not in real, (name, real.get(name))
            continue
        assert real.get(name) == ours[name], (name, real.get(name), ours[name])
    assert ours["UNDECLARED"] is None and "UNDECLARED" not in real  # stripped by zod
    assert ours["WEB_ORIGIN"] == "*" and ours["API_ORIGIN"] == "<unknown>"
