"""Differential truth for zod 3's `.transform((v) => v === "lit").default("...")` env fields
(corslint/extractors/js/env_schemas.py `_compared_default`): zod 3 feeds the default through
the transform, so the field holds the comparison's result. What corslint reads for an empty
environment is compared with what the real zod (3.23.8, pinned in tests/node) parses."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.extractors.js.module import parse
from corslint.extractors.js.syntax import walk
from tests.test_differential_express import NODE_DIR, require_node_package

SCHEMA = """\
const EnvSchema = z.object({
  WEB_CREDENTIALS: z.string().transform((value) => value === "true").default("true"),
  STRICT_ORIGINS: z.string().transform((v) => v !== "false").default("false"),
  OPEN_API: z.string().transform((v) => v === "yes").default("no"),
});
"""
READS = ("WEB_CREDENTIALS", "STRICT_ORIGINS", "OPEN_API")


def test_transformed_defaults_are_what_zod_3_parses(tmp_path: Path) -> None:
    require_node_package("zod")
    script = f"const {{ z }} = require('zod');\n{SCHEMA}\nconsole.log(JSON.stringify(EnvSchema.parse({{}})));"
    done = subprocess.run(["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, check=True)
    real = json.loads(done.stdout)
    (tmp_path / "package.json").write_text('{"dependencies": {"zod": "^3.23.8"}}')
    (tmp_path / ".git").mkdir()
    source = f'import {{ z }} from "zod";\n{SCHEMA}\nconst env = EnvSchema.parse(process.env);\n'
    source += "".join(f"const read_{name} = env.{name};\n" for name in READS)
    file = tmp_path / "env.ts"
    file.write_text(source)
    module = parse("env.ts", source, file)
    ours = {}
    for node in walk(module.root):
        if node.type == "variable_declarator" and module.text(node.child_by_field_name("name")).startswith(
            "read_"
        ):
            value = module.resolve(node.child_by_field_name("value"))
            ours[module.text(node.child_by_field_name("name")).removeprefix("read_")] = value.raw
    assert ours == real == {"WEB_CREDENTIALS": True, "STRICT_ORIGINS": False, "OPEN_API": False}
