"""A deterministic monorepo for the benchmark: the same seed and size give the same tree.

Proportions follow what large polyglot monorepos hold (Python, JS/TS, JSON, YAML, TOML,
Markdown), about 0.5% of source files configure CORS in one of the four frameworks
(Starlette/FastAPI, Flask-CORS, django-cors-headers, Express `cors`), as many again only
mention CORS (comments, docs, tests), a few files are large, `node_modules` holds about
an eighth of the files, and minified bundles sit in the source tree. Every file gets the
same modification time, so a tree rebuilt from scratch is byte- and stat-identical.

    python benchmarks/generate.py benchmarks/trees/10k --files 10000
    python benchmarks/generate.py benchmarks/trees/realistic-10k --files 10000 --mix realistic

The realistic mix (benchmarks/realistic_mix.py) adds what real repositories carry in bulk
beside their code: data files that mention an origin, OpenAPI specs, HAR captures,
lockfiles, source maps, i18n bundles, generated YAML, vendored minified code.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

VERSION = "2"  # bump when the output changes, so run.py rebuilds cached trees
MTIME = 1_577_836_800  # 2020-01-01T00:00:00Z
KINDS: tuple[tuple[str, float], ...] = (
    (".py", 0.30),
    (".js", 0.16),
    (".ts", 0.17),
    (".tsx", 0.06),
    (".json", 0.13),
    (".yaml", 0.08),
    (".toml", 0.02),
    (".md", 0.08),
)
CORS_SHARE = 0.005
MENTION_SHARE = 0.005
LARGE_SHARE = 0.0005
NODE_MODULES_SHARE = 0.125
MINIFIED_SHARE = 0.003
WORDS = [
    "account",
    "billing",
    "cart",
    "catalog",
    "checkout",
    "customer",
    "dashboard",
    "invoice",
    "ledger",
    "order",
    "payment",
    "profile",
    "report",
    "search",
    "session",
    "shipment",
    "stock",
    "ticket",
    "user",
    "vendor",
    "webhook",
    "audit",
    "export",
    "import",
    "notify",
    "metrics",
    "pricing",
    "quota",
    "refund",
    "review",
    "schedule",
    "token",
    "upload",
]


class Tree:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.random = random.Random(seed)
        self.count = 0

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        os.utime(path, (MTIME, MTIME))
        self.count += 1

    def word(self) -> str:
        return self.random.choice(WORDS)

    def ident(self) -> str:
        return f"{self.word()}_{self.word()}"

    def camel(self) -> str:
        return self.word() + self.word().capitalize()

    def origins(self) -> list[str]:
        hosts = [f"https://{self.word()}.example.com" for _ in range(self.random.randint(1, 3))]
        if self.random.random() < 0.3:
            hosts.append("http://localhost:3000")
        return hosts


# -- ordinary files ---------------------------------------------------------------------
def python_module(tree: Tree, lines: int) -> str:
    out = ['"""Service helpers."""', "", "from __future__ import annotations", "", "import logging", ""]
    out.append("log = logging.getLogger(__name__)")
    while len(out) < lines:
        name = tree.ident()
        out += [
            "",
            "",
            f"class {name.title().replace('_', '')}:",
            f'    """Keeps {tree.word()} records for the {tree.word()} service."""',
            "",
            "    def __init__(self, store, limit=100):",
            "        self.store = store",
            "        self.limit = limit",
            "",
            f"    def {tree.ident()}(self, key):",
            f"        rows = [r for r in self.store.get(key, []) if r.get('{tree.word()}')]",
            "        log.debug('%s rows for %s', len(rows), key)",
            "        return rows[: self.limit]",
        ]
    return "\n".join(out) + "\n"


def js_module(tree: Tree, lines: int, typed: bool) -> str:
    out = ["'use strict';", f"import {{ {tree.camel()} }} from './{tree.word()}';", ""]
    annotation = ": Record<string, unknown>" if typed else ""
    while len(out) < lines:
        out += [
            f"export function {tree.camel()}(input{annotation}) {{",
            f"  const {tree.camel()} = Object.keys(input).filter((k) => k.startsWith('{tree.word()}'));",
            f"  if (!{tree.camel()}) {{ throw new Error('missing {tree.word()}'); }}",
            f"  return {{ ...input, {tree.word()}: Date.now() }};",
            "}",
            "",
        ]
    return "\n".join(out) + "\n"


def json_file(tree: Tree, entries: int) -> str:
    items = ",\n".join(f'  "{tree.ident()}": {{"enabled": true, "weight": {i}}}' for i in range(entries))
    return "{\n" + items + "\n}\n"


def yaml_file(tree: Tree, entries: int) -> str:
    return "".join(
        f"{tree.ident()}:\n  replicas: {i % 5 + 1}\n  image: {tree.word()}:1.{i}\n" for i in range(entries)
    )


def toml_file(tree: Tree, entries: int) -> str:
    return "".join(f'[{tree.ident()}]\nenabled = true\nlevel = "{tree.word()}"\n\n' for _ in range(entries))


def markdown_file(tree: Tree, paragraphs: int) -> str:
    return "".join(
        f"## {tree.word().title()}\n\n" + " ".join(tree.word() for _ in range(60)) + "\n\n"
        for _ in range(paragraphs)
    )


def ordinary(tree: Tree, suffix: str) -> str:
    size = tree.random.choice((1, 1, 2, 2, 3, 4, 6, 10))
    if suffix == ".py":
        return python_module(tree, 20 * size)
    if suffix in (".js", ".ts", ".tsx"):
        return js_module(tree, 18 * size, suffix != ".js")
    if suffix == ".json":
        return json_file(tree, 10 * size)
    if suffix == ".yaml":
        return yaml_file(tree, 8 * size)
    if suffix == ".toml":
        return toml_file(tree, 6 * size)
    return markdown_file(tree, 2 * size)


# -- CORS configurations (the four frameworks) ------------------------------------------
def starlette_app(tree: Tree) -> tuple[str, str]:
    credentials = tree.random.choice(("True", "False"))
    return "main.py", (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
        "app = FastAPI()\n\n"
        "app.add_middleware(\n    CORSMiddleware,\n"
        f"    allow_origins={tree.origins()!r},\n    allow_credentials={credentials},\n"
        '    allow_methods=["GET", "POST"],\n    allow_headers=["Content-Type", "Authorization"],\n)\n\n'
        f'@app.get("/{tree.word()}")\ndef read():\n    return {{"ok": True}}\n\n'
        f'@app.post("/{tree.word()}")\ndef write():\n    return {{"ok": True}}\n'
    )


def flask_app(tree: Tree) -> tuple[str, str]:
    return "app.py", (
        "from flask import Flask, jsonify\nfrom flask_cors import CORS\n\n"
        "app = Flask(__name__)\n"
        f"CORS(app, origins={tree.origins()!r}, supports_credentials={tree.random.choice(('True', 'False'))})\n\n"
        f'@app.route("/api/{tree.word()}", methods=["GET", "PUT"])\ndef handler():\n    return jsonify(ok=True)\n'
    )


def django_settings(tree: Tree) -> tuple[str, str]:
    return "settings.py", (
        '"""Django settings."""\n\nimport os\n\nSECRET_KEY = os.environ.get("SECRET_KEY", "x")\nDEBUG = False\n\n'
        'INSTALLED_APPS = [\n    "django.contrib.contenttypes",\n    "django.contrib.auth",\n    "corsheaders",\n]\n\n'
        "MIDDLEWARE = [\n"
        '    "corsheaders.middleware.CorsMiddleware",\n'
        '    "django.middleware.common.CommonMiddleware",\n'
        '    "django.middleware.csrf.CsrfViewMiddleware",\n]\n\n'
        f"CORS_ALLOWED_ORIGINS = {tree.origins()!r}\n"
        f"CORS_ALLOW_CREDENTIALS = {tree.random.choice(('True', 'False'))}\n"
        'ROOT_URLCONF = "urls"\n'
    )


def express_app(tree: Tree) -> tuple[str, str]:
    origins = ", ".join(f"'{o}'" for o in tree.origins())
    return tree.random.choice(("server.js", "app.ts")), (
        "const express = require('express');\nconst cors = require('cors');\n\n"
        "const app = express();\n"
        f"app.use(cors({{ origin: [{origins}], credentials: {tree.random.choice(('true', 'false'))} }}));\n\n"
        f"app.get('/api/{tree.word()}', (req, res) => res.json({{ ok: true }}));\n"
        f"app.put('/api/{tree.word()}', (req, res) => res.json({{ ok: true }}));\n\n"
        "app.listen(3000);\n"
    )


CORS_MAKERS: tuple[Callable[[Tree], tuple[str, str]], ...] = (
    starlette_app,
    flask_app,
    django_settings,
    express_app,
)


def mention(tree: Tree, suffix: str) -> str:
    """A file that says CORS without configuring it: the byte prefilter cannot tell."""
    if suffix == ".py":
        return python_module(tree, 30) + "\n# CORS is configured by the gateway, see CORS_POLICY.md\n"
    if suffix in (".js", ".ts", ".tsx"):
        return js_module(tree, 30, suffix != ".js") + "\n// the cors() middleware lives in the gateway\n"
    return markdown_file(tree, 2) + "\nCORS: requests from the dashboard are allowed by the gateway.\n"


# -- the tree ------------------------------------------------------------------------------
def generate(root: Path, files: int, seed: int = 20260101) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    tree = Tree(root, seed)
    rnd = tree.random
    node_modules = int(files * NODE_MODULES_SHARE)
    minified = max(1, int(files * MINIFIED_SHARE))
    large = max(2, int(files * LARGE_SHARE))
    cors = max(4, int(files * CORS_SHARE))
    mentions = max(1, int(files * MENTION_SHARE))
    fixed = 3  # .gitignore, README.md, pyproject.toml
    ordinary_files = files - node_modules - minified - large - cors - mentions - fixed

    tree.write(".gitignore", "node_modules/\ndist/\nbuild/\n*.log\n.venv/\n.corslint_cache/\n")
    tree.write("README.md", "# monorepo\n\nGenerated for the corslint benchmark.\n")
    tree.write("pyproject.toml", '[project]\nname = "monorepo"\nversion = "0.0.0"\n')

    packages = max(4, files // 400)
    folders = [f"packages/{tree.word()}-{i}" for i in range(packages)]
    directories = [
        f"{folder}/{sub}" for folder in folders for sub in ("src", "src/api", "src/core", "tests", "config")
    ]
    names = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    for index in range(ordinary_files):
        suffix = rnd.choices(names, weights)[0]
        directory = rnd.choice(directories)
        tree.write(f"{directory}/{tree.word()}_{index}{suffix}", ordinary(tree, suffix))
    for index in range(cors):
        folder = rnd.choice(folders)
        name, text = CORS_MAKERS[index % len(CORS_MAKERS)](tree)
        tree.write(f"{folder}/services/svc{index}/{name}", text)
    for index in range(mentions):
        suffix = rnd.choice((".py", ".ts", ".md"))
        tree.write(f"{rnd.choice(directories)}/cors_note_{index}{suffix}", mention(tree, suffix))
    for index in range(large):  # generated data and vendored sources, 1-3 MB each
        suffix = (".json", ".py", ".js")[index % 3]
        lines = rnd.randint(20_000, 60_000) if index != 1 else 200_000  # one over the 5 MB cap
        if suffix == ".json":
            text = json_file(tree, lines // 2)
        elif suffix == ".py":
            text = python_module(tree, lines)
        else:
            text = js_module(tree, lines, False)
        tree.write(f"{rnd.choice(folders)}/generated/large_{index}{suffix}", text)
    for index in range(minified):  # one-line bundles, some with the cors package inlined
        body = ";".join(f"function {tree.camel()}(a){{return a+{i}}}" for i in range(rnd.randint(500, 4000)))
        if index % 3 == 0:
            body += ';var cors=require("cors");app.use(cors({origin:"*"}))'
        tree.write(f"{rnd.choice(folders)}/public/assets/app.{index:04x}.min.js", body + "\n")
    per_package = 40
    for index in range(node_modules):
        package = f"node_modules/{tree.word()}-{index // per_package}"
        if index == 0:
            tree.write("node_modules/cors/lib/index.js", express_app(tree)[1])
            continue
        tree.write(f"{package}/lib/{tree.word()}_{index}.js", js_module(tree, 30, False))
    if shutil.which("git"):  # a real repository: rg and semgrep honour .gitignore only in one
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:
        (root / ".git").mkdir()
    (root / ".generated").write_text(f"{VERSION} {files} {seed} {tree.count}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int)
    parser.add_argument(
        "--mix",
        choices=("standard", "realistic"),
        default="standard",
        help="standard: the first series' monorepo; realistic: real repositories' data files too "
        "(benchmarks/realistic_mix.py)",
    )
    arguments = parser.parse_args()
    if arguments.mix == "realistic":
        from realistic_mix import generate_realistic

        generate_realistic(arguments.root, arguments.files, *([arguments.seed] if arguments.seed else []))
    else:
        generate(arguments.root, arguments.files, *([arguments.seed] if arguments.seed else []))


if __name__ == "__main__":
    main()
