"""The realistic mix: a tree shaped like real repositories, not only like their sources.

Real repositories carry, beside their code, files in bulk that mention an origin or CORS
without configuring anything, and that the first benchmark trees never had (issue 15: on
68k files of real projects, 805 JSON data files let in by the word `origin` were most of
a cold run). The shares below follow a tree built from the HEAD files of 54 public
applications (88k files after .gitignore, 1.3 GB):

- sources and ordinary config as in the standard series (Python 22%, TS/TSX 18%, JS/JSX 7%,
  JSON 6%, YAML 2%, Markdown 3%), with CORS configurations (0.4%) and mentions (0.4%);
- files only ripgrep reads: images (8%, binary), HTML, CSS, SVG, text data (CSV, SQL, .po)
  (13%);
- exported JSON data that mentions `origin` (0.8%; 8 KB to 3 MB, heavy-tailed: scanner
  reports, fixtures, exported templates), OpenAPI specs in JSON and YAML (0.1%, 0.1-1 MB),
  HAR captures (0.05%, 0.2-2 MB: `Origin` request headers, `sec-fetch-mode: cors`,
  `access-control-allow-*` response headers), i18n bundles (0.3%, some with a `cors` key
  that holds a message), source maps (0.1%, `sourcesContent` with `cors()` in it);
- lockfiles: a package-lock.json (1 MB, `"node_modules/cors"`) per 2,500 files, a
  pnpm-lock.yaml per 5,000, poetry.lock and yarn.lock beside them;
- generated YAML: Kubernetes manifests (0.5%, some with nginx's `enable-cors` annotations),
  CI workflows (0.2%), recorded HTTP cassettes (0.2%, 20-500 KB, with
  `Access-Control-Allow-Origin` response headers);
- vendored minified code outside node_modules, under names that do not say so (0.2%,
  `static/vendor/*.js`, some with the `cors` package inlined);
- data files that do hold a `cors` key (0.03%): mock-server exports (`"cors": true` beside
  a large list of routes), serverless.yml files;
- `node_modules` (10%), left out by .gitignore.

    python benchmarks/generate.py benchmarks/trees/realistic-10k --files 10000 --mix realistic
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from generate import CORS_MAKERS, MTIME, Tree, js_module, mention, ordinary

REALISTIC_VERSION = "2"  # bump when the output changes, so run.py rebuilds cached trees
SOURCE_KINDS: tuple[tuple[str, float], ...] = (
    (".py", 0.22),
    (".ts", 0.13),
    (".tsx", 0.05),
    (".js", 0.06),
    (".jsx", 0.01),
    (".json", 0.06),
    (".yaml", 0.02),
    (".toml", 0.002),
    (".md", 0.03),
)
# kind, share of the files (a count per tree for the rarest)
BULK: tuple[tuple[str, float], ...] = (
    ("image", 0.08),
    ("web", 0.05),
    ("text_data", 0.08),
    ("exported_json", 0.008),
    ("openapi", 0.001),
    ("har", 0.0005),
    ("i18n", 0.003),
    ("source_map", 0.001),
    ("k8s", 0.005),
    ("ci", 0.002),
    ("cassette", 0.002),
    ("vendored", 0.002),
    ("keyed_data", 0.0003),
)
CORS_SHARE = 0.004
MENTION_SHARE = 0.004
NODE_MODULES_SHARE = 0.10
PACKAGE_LOCK_EVERY = 2500
PNPM_LOCK_EVERY = 5000
LARGEST = 3_000_000


def _size(tree: Tree, typical: int, smallest: int, largest: int = LARGEST) -> int:
    """A heavy-tailed size: most files near `typical`, a few up to `largest`."""
    return max(smallest, min(largest, int(typical * tree.random.random() ** -0.9)))


def _repeat(parts: list[str], size: int) -> str:
    return "".join(parts[i % len(parts)] for i in range(max(1, size // max(1, len(parts[0])))))


# -- files only ripgrep reads -----------------------------------------------------------------
def image(tree: Tree) -> tuple[str, bytes]:
    size = _size(tree, 12_000, 2_000, 400_000)
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return ".png", header + tree.random.randbytes(size)


def web(tree: Tree) -> tuple[str, str]:
    kind = tree.random.choice((".html", ".css", ".svg"))
    rows = tree.random.randint(20, 400)
    if kind == ".html":
        body = "".join(
            f"<div class='{tree.word()}'><a href='/{tree.word()}'>{tree.word()}</a></div>\n"
            for _ in range(rows)
        )
        return (
            kind,
            f"<!doctype html>\n<html><head><title>{tree.word()}</title></head><body>\n{body}</body></html>\n",
        )
    if kind == ".css":
        return kind, "".join(
            f".{tree.word()}-{i} {{ margin: {i}px; color: #{i:06x}; }}\n" for i in range(rows)
        )
    return kind, "<svg xmlns='http://www.w3.org/2000/svg'>" + "".join(
        f"<path d='M{i} {i}L{i + 3} {i * 2}Z'/>" for i in range(rows)
    ) + "</svg>\n"


def text_data(tree: Tree) -> tuple[str, str]:
    kind = tree.random.choice((".csv", ".sql", ".po", ".txt"))
    rows = tree.random.randint(20, 600)
    if kind == ".csv":
        return kind, "id,origin,amount\n" + "".join(
            f"{i},{tree.word()},{i * 7 % 1000}\n" for i in range(rows)
        )
    if kind == ".sql":
        return kind, "".join(
            f"INSERT INTO {tree.word()} VALUES ({i}, '{tree.word()}');\n" for i in range(rows)
        )
    if kind == ".po":
        return kind, "".join(f'msgid "{tree.word()} {i}"\nmsgstr "{tree.word()}"\n\n' for i in range(rows))
    return kind, "".join(f"{tree.word()} {tree.word()} {i}\n" for i in range(rows))


# -- data that mentions an origin, and configures nothing ------------------------------------------
def exported_json(tree: Tree) -> tuple[str, str]:
    size = _size(tree, 8_000, 3_000)
    kind = tree.random.choice(("report", "fixture", "template"))
    records = []
    for i in range(max(1, size // 160)):
        if kind == "report":
            records.append(
                {
                    "id": i,
                    "title": f"{tree.word()} {tree.word()}",
                    "severity": "low",
                    "origin": "scanner",
                    "url": f"https://{tree.word()}.example.com/{tree.word()}",
                    "description": "Origin header not validated",
                }
            )
        elif kind == "fixture":
            records.append(
                {"model": f"app.{tree.word()}", "pk": i, "fields": {"origin": tree.word(), "weight": i}}
            )
        else:
            records.append(
                {"type": "block", "id": f"b{i}", "props": {"text": tree.word(), "origin": [i, i * 2]}}
            )
    return ".json", json.dumps({"version": 2, "items": records}, indent=2)


def openapi(tree: Tree) -> tuple[str, str]:
    paths = {}
    for i in range(max(1, _size(tree, 120_000, 60_000, 1_000_000) // 700)):
        paths[f"/{tree.word()}/{i}"] = {
            "get": {
                "summary": f"List {tree.word()}s",
                "description": "Requests from another origin must send the Origin header.",
                "parameters": [{"name": "Origin", "in": "header", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {"Access-Control-Allow-Origin": {"schema": {"type": "string"}}},
                    }
                },
            }
        }
    spec = {"openapi": "3.0.0", "info": {"title": tree.word(), "version": "1.0"}, "paths": paths}
    if tree.random.random() < 0.5:
        return ".json", json.dumps(spec, indent=2)
    lines = [
        "openapi: 3.0.0",
        "info:",
        f"  title: {tree.word()}",
        "x-amazon-apigateway-cors:",
        "  allowOrigins: ['*']",
        "paths:",
    ]
    for path in paths:
        lines += [
            f"  {path}:",
            "    get:",
            "      description: Requests from another origin send the Origin header.",
            "      parameters:",
            "        - name: Origin",
            "          in: header",
        ]
    return ".yaml", "\n".join(lines) + "\n"


def har(tree: Tree) -> tuple[str, str]:
    entries = []
    for i in range(max(1, _size(tree, 300_000, 200_000, 2_000_000) // 900)):
        entries.append(
            {
                "request": {
                    "method": "GET",
                    "url": f"https://api.example.com/{tree.word()}/{i}",
                    "headers": [
                        {"name": "Origin", "value": "https://app.example.com"},
                        {"name": "sec-fetch-mode", "value": "cors"},
                        {"name": "Accept", "value": "application/json"},
                    ],
                },
                "response": {
                    "status": 200,
                    "headers": [
                        {"name": "access-control-allow-origin", "value": "https://app.example.com"},
                        {"name": "access-control-allow-credentials", "value": "true"},
                    ],
                    "content": {"mimeType": "application/json", "text": f'{{"{tree.word()}": {i}}}'},
                },
                "timings": {"wait": i % 90, "receive": 1},
            }
        )
    return ".json", json.dumps({"log": {"version": "1.2", "entries": entries}}, indent=2)


def i18n(tree: Tree) -> tuple[str, str]:
    messages = {
        f"{tree.word()}_{i}": f"{tree.word().title()} {tree.word()}"
        for i in range(_size(tree, 400, 100, 4000))
    }
    messages["origin"] = "Herkunft"
    messages["request_origin_blocked"] = "Die Anfrage von diesem Ursprung wurde blockiert"
    if tree.random.random() < 0.1:
        messages["cors"] = "CORS-Fehler"  # a `cors` key that holds a message
    return ".json", json.dumps(messages, indent=2, ensure_ascii=False)


def source_map(tree: Tree) -> tuple[str, str]:
    source = js_module(tree, _size(tree, 300, 100, 6000), False) + "\nconst cors = require('cors');\n"
    return ".js.map", json.dumps(
        {
            "version": 3,
            "sources": [f"src/{tree.word()}.js"],
            "mappings": "AAAA;" * 500,
            "sourcesContent": [source],
        }
    )


# -- generated YAML -----------------------------------------------------------------------------
def k8s(tree: Tree) -> tuple[str, str]:
    name = tree.word()
    docs = [
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n"
        f"  template:\n    spec:\n      containers:\n        - name: {name}\n          image: registry.example.com/{name}:1.0\n"
    ]
    if tree.random.random() < 0.3:
        docs.append(
            f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  annotations:\n"
            "    nginx.ingress.kubernetes.io/enable-cors: 'true'\n"
            "    nginx.ingress.kubernetes.io/cors-allow-origin: 'https://app.example.com'\n"
        )
    return ".yaml", "---\n".join(docs)


def ci(tree: Tree) -> tuple[str, str]:
    steps = "".join(f"      - run: make {tree.word()}\n" for _ in range(tree.random.randint(3, 15)))
    return (
        ".yml",
        f"name: {tree.word()}\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{steps}",
    )


def cassette(tree: Tree) -> tuple[str, str]:
    interactions = []
    for i in range(max(1, _size(tree, 30_000, 20_000, 500_000) // 420)):
        interactions.append(
            f"- request:\n    method: GET\n    uri: https://jira.example.com/rest/api/2/issue/{i}\n"
            f"  response:\n    status: {{code: 200, message: OK}}\n    headers:\n"
            f"      Access-Control-Allow-Origin:\n      - '*'\n      Access-Control-Allow-Methods:\n      - GET\n"
            f'    body: {{string: \'{{"key": "{tree.word()}-{i}", "origin": "{tree.word()}"}}\'}}\n'
        )
    return ".yaml", "interactions:\n" + "".join(interactions) + "version: 1\n"


def vendored(tree: Tree) -> tuple[str, str]:
    body = ";".join(
        f"function {tree.camel()}(a){{return a+{i}}}" for i in range(_size(tree, 3000, 500, 60_000) // 32)
    )
    if tree.random.random() < 0.3:
        body += ';var cors=require("cors");app.use(cors({origin:"*"}))'
    return ".js", body + "\n"


def keyed_data(tree: Tree) -> tuple[str, str]:
    """Data files that do hold a `cors` key: parsed, and read for that part alone."""
    if tree.random.random() < 0.5:
        routes = [
            {
                "uuid": f"r{i}",
                "endpoint": f"{tree.word()}/{i}",
                "method": "get",
                "responses": [{"body": f'{{"origin": "{tree.word()}"}}', "statusCode": 200}],
            }
            for i in range(_size(tree, 1500, 500, 12_000))
        ]
        return ".json", json.dumps(
            {
                "uuid": "env",
                "name": tree.word(),
                "port": 3000,
                "routes": routes,
                "cors": True,
                "headers": [{"key": "Content-Type", "value": "application/json"}],
            },
            indent=2,
        )
    return ".yml", (
        f"service: {tree.word()}\nprovider:\n  name: aws\nfunctions:\n  {tree.word()}:\n"
        "    handler: handler.main\n    events:\n      - http:\n          path: /items\n"
        "          method: get\n          cors: true\n"
    )


MAKERS: dict[str, Callable[[Tree], tuple[str, str | bytes]]] = {
    "image": image,
    "web": web,
    "text_data": text_data,
    "exported_json": exported_json,
    "openapi": openapi,
    "har": har,
    "i18n": i18n,
    "source_map": source_map,
    "k8s": k8s,
    "ci": ci,
    "cassette": cassette,
    "vendored": vendored,
    "keyed_data": keyed_data,
}
PLACES = {
    "vendored": "static/vendor",
    "k8s": "deploy/k8s",
    "ci": ".github/workflows",
    "cassette": "tests/cassettes",
    "i18n": "locales",
    "source_map": "dist-maps",
}


# -- lockfiles ---------------------------------------------------------------------------------
def package_lock(tree: Tree) -> str:
    packages = {"": {"name": tree.word(), "dependencies": {"cors": "^2.8.5", "express": "^4.19.0"}}}
    for i in range(2500):
        packages[f"node_modules/{tree.word()}-{i}"] = {
            "version": f"1.{i % 30}.{i % 7}",
            "resolved": f"https://registry.npmjs.org/{tree.word()}/-/x-{i}.tgz",
            "integrity": "sha512-" + "A" * 86,
            "dependencies": {tree.word(): "^1.0.0"},
        }
    packages["node_modules/cors"] = {
        "version": "2.8.5",
        "dependencies": {"object-assign": "^4", "vary": "^1"},
    }
    return json.dumps({"name": tree.word(), "lockfileVersion": 3, "packages": packages}, indent=2)


def pnpm_lock(tree: Tree) -> str:
    lines = [
        "lockfileVersion: '9.0'",
        "importers:",
        "  .:",
        "    dependencies:",
        "      cors:",
        "        specifier: ^2.8.5",
        "        version: 2.8.5",
        "packages:",
    ]
    for i in range(4000):
        lines += [f"  {tree.word()}-{i}@1.{i % 9}.0:", f"    resolution: {{integrity: sha512-{'B' * 60}}}"]
    return "\n".join(lines) + "\n"


def _write_bytes(tree: Tree, relative: str, data: bytes) -> None:
    path = tree.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (MTIME, MTIME))
    tree.count += 1


def generate_realistic(root: Path, files: int, seed: int = 20260115) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    tree = Tree(root, seed)
    rnd = tree.random
    packages = max(4, files // 600)
    folders = [f"apps/{tree.word()}-{i}" for i in range(packages)]
    directories = [
        f"{f}/{sub}" for f in folders for sub in ("src", "src/api", "src/core", "tests", "config", "docs")
    ]
    tree.write(".gitignore", "node_modules/\ndist/\nbuild/\n*.log\n.venv/\n.corslint_cache/\n")
    tree.write("README.md", "# realistic mix\n\nGenerated for the corslint benchmark.\n")
    written = 2
    for index, folder in enumerate(folders):  # lockfiles at the top of some projects
        if index % max(1, packages * PACKAGE_LOCK_EVERY // files) == 0:
            tree.write(f"{folder}/package-lock.json", package_lock(tree))
            tree.write(f"{folder}/yarn.lock", 'cors@^2.8.5:\n  version "2.8.5"\n' * 200)
            written += 2
        if index % max(1, packages * PNPM_LOCK_EVERY // files) == 0:
            tree.write(f"{folder}/pnpm-lock.yaml", pnpm_lock(tree))
            tree.write(f"{folder}/poetry.lock", '[[package]]\nname = "flask-cors"\nversion = "4.0.0"\n' * 300)
            written += 2
    for kind, share in BULK:
        for index in range(max(1, round(files * share))):
            suffix, content = MAKERS[kind](tree)
            path = f"{rnd.choice(folders)}/{PLACES.get(kind, 'data')}/{kind}_{index}{suffix}"
            if isinstance(content, bytes):
                _write_bytes(tree, path, content)
            else:
                tree.write(path, content)
            written += 1
    for index in range(max(4, int(files * CORS_SHARE))):
        name, text = CORS_MAKERS[index % len(CORS_MAKERS)](tree)
        tree.write(f"{rnd.choice(folders)}/services/svc{index}/{name}", text)
        written += 1
    for index in range(max(1, int(files * MENTION_SHARE))):
        suffix = rnd.choice((".py", ".ts", ".md"))
        tree.write(f"{rnd.choice(directories)}/cors_note_{index}{suffix}", mention(tree, suffix))
        written += 1
    node_modules = int(files * NODE_MODULES_SHARE)
    for index in range(node_modules):
        tree.write(
            f"node_modules/{tree.word()}-{index // 40}/lib/{tree.word()}_{index}.js",
            js_module(tree, 30, False),
        )
    names = [k for k, _ in SOURCE_KINDS]
    weights = [w for _, w in SOURCE_KINDS]
    for index in range(max(0, files - written - node_modules)):
        suffix = rnd.choices(names, weights)[0]
        base = ".js" if suffix == ".jsx" else suffix
        tree.write(f"{rnd.choice(directories)}/{tree.word()}_{index}{suffix}", ordinary(tree, base))
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:
        (root / ".git").mkdir()
    (root / ".generated").write_text(f"realistic-{REALISTIC_VERSION} {files} {seed} {tree.count}\n")
