"""Whether an Express route module is loaded by nothing: no module of the project requires
or imports its file, so nothing in it ever answers a request (sweep 12 Y1: Silver-Ape/
web-back-end routes/general.route.js, a router with a hand-written OPTIONS handler that
server.js never requires; StylesPRiley/books_website routes/users.js, a module nobody
requires whose `app` is not even defined there).

The same safeguards as the dead helper test (dead_header_helpers.py), for a whole module:
- the module requires or imports `express` (or calls `express.Router()`), sits in a `routes` / `router(s)` folder below
  the project's top, is no `index` file, no file a framework loads by its path (route files,
  `api/`, `pages/` ...) and no `server` / `app` / `main` file, and the project depends on
  `express` and on no package that loads files by their path (below);
- every project file was read (at most `MAX_FILES`), none loads modules by a computed name
  (`require(name)`, `readdirSync`, glob, consign ...), and no configuration file
  (package.json's main or scripts, serverless.yml, nodemon.json ...), Procfile, Dockerfile,
  Makefile or shell script names its file;
- no `require` / `import` / `from` specifier in the project ends with the file's name,
  save a relative one that resolves to another file.
Anything else: False (the module's policies are judged as before)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath

from corslint.extractors.express.dead_header_helpers import LOADED_BY_PATH, other_files
from corslint.extractors.express.response_entries import is_route_file
from corslint.extractors.express.sveltekit_endpoints import is_endpoint_file
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import SKIPPED_DIRECTORIES, project_root

_ROUTE_FOLDERS = frozenset({"routes", "route", "router", "routers"})
_MIDDLEWARE_FOLDERS = frozenset({"middleware", "middlewares"})
_CONFIG_FOLDERS = frozenset({"config", "configs"})
_ENTRY_STEMS = frozenset({"middleware", "proxy", "route", "_middleware", "server", "app", "main", "index"})
_EXPRESS = re.compile(rb"""(?:require\(\s*|from\s+)['"]express['"]|\bexpress\.Router\(""")
_SPECIFIER = re.compile(rb"""(?:require\s*\(|import\s*\(|\bfrom|^\s*import)\s*['"`]([^'"`\n]+)['"`]""", re.M)
_EXTENSIONS = ("", ".js", ".cjs", ".mjs", ".ts", ".jsx", ".tsx", "/index.js", "/index.ts")
# packages that load route files by their path, or mount every file of a folder
_PATH_LOADERS = (
    "next",
    "nuxt",
    "@remix-run/",
    "@sveltejs/kit",
    "astro",
    "express-file-routing",
    "express-automatic-routes",
    "express-load",
    "express-routemagic",
    "consign",
    "require-all",
    "require-directory",
    "@fastify/autoload",
    "fastify-autoload",
    "nitropack",
    "h3",
    "@nestjs/core",
)
# packages that read a `config/` folder's files by their names (node-config's default.js,
# production.js ...)
_CONFIG_LOADERS = frozenset({"config", "nconf", "node-config", "cosmiconfig", "rc"})
_SCRIPT_NAMES = frozenset({"Procfile", "Dockerfile", "Makefile", "ecosystem.config.js"})


def never_loaded(module: JsModule) -> bool:
    """Whether the Express route module `module` is required or imported by nothing in the
    project (see the module); False where unsure."""
    if not _EXPRESS.search(module.source):
        return False
    return _loaded_by_nothing(module, _ROUTE_FOLDERS)


def never_loaded_middleware(module: JsModule) -> bool:
    """The same for a module of a `middleware` / `middlewares` folder of an Express project
    (hand-written CORS middleware need not require express; sweep 13 W4: haishisai/nodejs
    middleware/cors.js, required only in a commented-out line of index.js)."""
    return _loaded_by_nothing(module, _MIDDLEWARE_FOLDERS)


def never_loaded_config(module: JsModule) -> bool:
    """The same for a module of a `config` / `configs` folder (set 25: an exported cors
    options object whose only import is commented out, Anthonoir576/Projet-01_Full-stack_server
    src/config/cors.ts; or that nothing imports, mahmudhussaininfo/eCommerce-redux
    api/config/corsSetup.js)."""
    return _loaded_by_nothing(module, _CONFIG_FOLDERS)


def _loaded_by_nothing(module: JsModule, kept: frozenset[str]) -> bool:
    if module.file is None:
        return False
    own = module.file.resolve()
    top = project_root(own)
    if top is None or own.stem == "index" or own.parent == top:
        return False
    relative = own.relative_to(top).as_posix()
    folders = PurePosixPath(relative).parts[:-1]
    if not any(folder in kept for folder in folders):
        return False
    if is_route_file(relative) or is_endpoint_file(relative) or own.stem in _ENTRY_STEMS:
        return False
    if any(folder in LOADED_BY_PATH and folder not in kept for folder in folders):
        return False  # `api/`, `pages/`, `functions/` ...: a platform may load it by its path
    if not _express_only(top, needs_express=kept is _ROUTE_FOLDERS, config=kept is _CONFIG_FOLDERS):
        return False
    read = other_files(own)
    if read is None:
        return False
    root, files = read
    stem = own.stem.encode()
    if _named_by_scripts(root, stem):
        return False
    for file, source in files.sources.items():
        if stem not in source:
            continue
        for match in _SPECIFIER.finditer(source):
            if _commented_out(source, match.start()):
                continue  # `// app.use(require('./middleware/cors'))` loads nothing
            specifier = match.group(1).decode("utf-8", "replace")
            if not _may_name(specifier, own.stem):
                continue
            if not specifier.startswith("."):
                if kept is not _ROUTE_FOLDERS and _package(specifier, top):
                    continue  # `require('cors')`: the package
                return False  # an alias (`@/routes/x`) or a package of that name: unsure
            if _resolves_to(file.parent / specifier, own):
                return False
    return True


def _express_only(top: Path, needs_express: bool = True, config: bool = False) -> bool:
    """The project's package.json depends on express (where `needs_express`; a middleware
    module's project may have it installed globally) and on no path-loading package (nor,
    for a `config` module, on one that loads that folder)."""
    try:
        manifest = json.loads((top / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict):
        return False
    names: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        section = manifest.get(key)
        if isinstance(section, dict):
            names |= set(section)
    if needs_express and "express" not in names:
        return False
    if config and names & _CONFIG_LOADERS:
        return False
    return not any(name == loader or name.startswith(loader) for name in names for loader in _PATH_LOADERS)


def _may_name(specifier: str, stem: str) -> bool:
    base = PurePosixPath(specifier).name
    return base == stem or base.startswith(f"{stem}.")


def _resolves_to(target: Path, own: Path) -> bool:
    """Whether the relative specifier `target` (joined to its file's folder) may name `own`."""
    text = os.path.normpath(str(target))
    found = False
    for extension in _EXTENSIONS:
        candidate = Path(text + extension)
        if candidate.is_file() and candidate.resolve() == own:
            return True
        if not extension and candidate.is_dir():
            return True  # a folder import (its index, or its package.json main): unsure
        found = found or candidate.is_file()
    # TypeScript's ESM spelling names the emitted file (`./cors.middleware.js` for
    # `cors.middleware.ts`), and a specifier that names no file at all is unsure (sweep 13:
    # kilkaVhlebe/HackatonBack src/index.ts)
    return not found


def _named_by_scripts(root: Path, stem: bytes) -> bool:
    """Whether a Procfile, Dockerfile, Makefile, PM2 file or shell script names the file."""
    for directory, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f not in SKIPPED_DIRECTORIES and not f.startswith(".")]
        for name in names:
            if name in _SCRIPT_NAMES or name.endswith(".sh"):
                try:
                    if stem in (Path(directory) / name).read_bytes():
                        return True
                except OSError:
                    return True
    return False


def _commented_out(source: bytes, start: int) -> bool:
    """Whether the text at `start` is in a line that is all comment (`//`, or a `*` line of
    a block comment) or inside a `/* ... */` that opens its line."""
    line = source[source.rfind(b"\n", 0, start) + 1 : start].lstrip()
    if line.startswith((b"//", b"/*", b"* ")) or line == b"*":
        return True
    opened = source.rfind(b"/*", 0, start)
    if opened < 0 or source.rfind(b"*/", 0, start) > opened:
        return False
    # a comment that opens its line (not the `'/*'` of a path pattern)
    return not source[source.rfind(b"\n", 0, opened) + 1 : opened].strip()


_ALIAS_CONFIGS = ("tsconfig.json", "jsconfig.json", ".babelrc", "babel.config.js", "webpack.config.js")


def _package(specifier: str, top: Path) -> bool:
    """Whether a bare one-word specifier (`require('cors')`) can only name a package: the
    project configures no path alias (tsconfig / jsconfig `paths`, babel or webpack
    aliases, `_moduleAliases`, package `imports`, `NODE_PATH`)."""
    if "/" in specifier or not re.fullmatch(r"[a-z0-9][\w.-]*", specifier):
        return False
    if any(_may_alias(top / name) for name in _ALIAS_CONFIGS):
        return False
    try:
        manifest = (top / "package.json").read_text(encoding="utf-8")
    except OSError:
        return False
    return not any(marker in manifest for marker in ("_moduleAliases", '"imports"', "NODE_PATH"))


_TS_ALIASES = (b'"paths"', b'"baseUrl"', b'"extends"')
_LINE_COMMENTS = re.compile(rb"^\s*//[^\n]*", re.M)  # not `/* */`: `"@/*": ["src/*"]` holds both


def _may_alias(config: Path) -> bool:
    """Whether an alias configuration file may map a bare name to a file: any such file but a
    tsconfig / jsconfig whose settings (commented-out lines left out) have no `paths`,
    `baseUrl` or `extends` (tsc --init's file, all of them commented out)."""
    if not config.exists():
        return False
    if config.name not in {"tsconfig.json", "jsconfig.json"}:
        return True
    try:
        text = _LINE_COMMENTS.sub(b"", config.read_bytes())
    except OSError:
        return True
    return any(key in text for key in _TS_ALIASES)
