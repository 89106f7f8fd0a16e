"""An h3 event handler in a Nuxt server folder that Nitro never scans (census 9 row C4).

Nitro registers the default export of a file under the server directory's `middleware/`
(every request), `api/` and `routes/` (file routes) and `plugins/` (nitropack `scan.ts`:
`scanMiddleware` -> `scanFiles(nitro, "middleware")`, `scanServerRoutes(nitro, "api")`,
`scanServerRoutes(nitro, "routes")`, `scanPlugins`; `tasks/` and `modules/` too, and
`utils/` is auto-imported). A handler in `server/middlewares/cors.js` (plural:
safakdinc/media_player) is code no server runs, unless something names it: a
`serverHandlers` / `nitro.handlers` entry in the config or an import from another server file.

Narrow on purpose: only a Nuxt project (`nuxt.config.*` beside `server/`) whose config moves
no directory (`serverDir`, `srcDir`, `scanDirs`, `apiDir`, `routesDir`), only a handler the
file exports (not a helper handed the event), and any string in the config or in a file
under `server/`, `modules/` or `layers/` that resolves to the handler's file keeps it live.
"""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.express.h3_handlers import HANDLER, h3_event
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.model import Evidence

# the server directory's folders Nitro scans or auto-imports
SCANNED = frozenset({"middleware", "api", "routes", "plugins", "tasks", "modules", "utils"})
_CONFIG_STEMS = ("nuxt.config", "nitro.config")
_SUFFIXES = (".ts", ".js", ".mjs", ".mts", ".cjs", ".cts")
_MOVES = re.compile(rb"\b(?:serverDir|srcDir|scanDirs|apiDir|routesDir|rootDir)\b")
_STRING = re.compile(r"""(['"`])([^'"`\n]{1,300})\1""")
_MAX_FILES = 400


def unscanned_handler(module: JsModule, function: Node) -> Evidence | None:
    """CORS303's evidence for an h3 handler in a server folder Nitro never scans."""
    event = h3_event(module, function)
    if event is None or event[1] != HANDLER:
        return None
    folder = unscanned_folder(module)
    if folder is None:
        return None
    return Evidence(
        "not-applied",
        f"this h3 handler is in `server/{folder}/`, a folder Nitro never scans (it registers "
        "`server/middleware/`, `server/api/`, `server/routes/` and `server/plugins/`), and nothing "
        "names the file, so it never runs and its headers are never sent",
        module.location(function),
        whole_layer=True,
    )


def unscanned_folder(module: JsModule) -> str | None:
    """The folder under `server/` (`middlewares`) that holds `module`, when Nitro never
    scans it and nothing in the project names the file; None otherwise."""
    if module.file is None:
        return None
    here = module.file.resolve()
    parts = here.parts
    for index in range(len(parts) - 2, 0, -1):
        if parts[index] != "server":
            continue
        root = Path(*parts[:index])
        folder = parts[index + 1] if index + 2 < len(parts) else None
        if folder is None or folder in SCANNED or folder.startswith("."):
            return None
        configs = [root / f"{stem}{suffix}" for stem in _CONFIG_STEMS for suffix in _SUFFIXES]
        configs = [config for config in configs if config.is_file()]
        if not any(config.name.startswith("nuxt.config") for config in configs):
            return None
        if _named(root, here, configs):
            return None
        return folder
    return None


def _named(root: Path, here: Path, configs: list[Path]) -> bool:
    """Whether the config or a file under `server/`, `modules/` or `layers/` holds a string naming `here`, or
    moves a scanned directory (anything not certain counts as named)."""
    targets = {here, here.with_suffix("")}
    if here.stem == "index":
        targets.add(here.parent)
    files = list(configs)
    try:  # the server's own files, and local modules and layers (`addServerHandler({ handler })`)
        for folder in ("server", "modules", "layers"):
            files += sorted(
                path for path in (root / folder).rglob("*") if path.suffix in _SUFFIXES and path.is_file()
            )
    except OSError:
        return True
    if len(files) > _MAX_FILES:
        return True
    for path in files:
        if path.resolve() == here:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            return True
        if path in configs and _MOVES.search(data):
            return True
        text = data.decode("utf-8", errors="replace")
        for match in _STRING.finditer(text):
            if any(candidate in targets for candidate in _resolved(match.group(2), root, path.parent)):
                return True
    return False


def _resolved(spec: str, root: Path, folder: Path) -> list[Path]:
    """Where a path string may point: Nuxt's aliases (`~` / `@`: the source directory,
    the root or `app/`; `~~` / `@@`: the root), relative to the naming file, or to the root."""
    spec = spec.split("?", 1)[0]
    bases: list[tuple[Path, str]] = []
    for alias in ("~~/", "@@/"):
        if spec.startswith(alias):
            bases.append((root, spec[len(alias) :]))
    if not bases:
        for alias in ("~/", "@/"):
            if spec.startswith(alias):
                bases += [(root, spec[len(alias) :]), (root / "app", spec[len(alias) :])]
    if not bases:
        if spec.startswith(("./", "../")):
            bases.append((folder, spec))
        elif "/" in spec:
            bases += [(root, spec), (folder, spec)]
    found = []
    for base, rest in bases:
        try:
            target = (base / rest).resolve()
        except (OSError, ValueError):
            continue
        found += [target, target.with_suffix("") if target.suffix in _SUFFIXES else target]
    return found
