"""LoopBack 3's ``server/middleware.json``: an entry named ``cors`` in a phase is the cors
package, set up by loopback-boot as ``app.middlewareFromConfig(require('cors'), config)``,
which calls ``cors(...params)`` (``params`` an array of arguments, or the one argument) and
skips the entry when ``enabled`` is false (loopback 3 ``lib/server-app.js``). The
generator writes ``"cors": {"params": {"origin": true, "credentials": true, "maxAge":
86400}}`` into every new app (set 18: heshamelmasry77/loopback-mongodb-zeit-now
``server/middleware.json``; the LoopBack 3 docs' middleware.json page).

loopback-boot (``lib/config-loader.js`` / ``lib/plugins/middleware.js``) merges
``middleware.local.{js,json}`` and ``middleware.<env>.{js,json}`` over this file, with
``env`` ``process.env.NODE_ENV || 'development'``: with NODE_ENV unset, the development
file. A local or development file that touches ``cors`` is not merged here: the entry is
then a CORS003 note (not read), never a guess. Files for other environments (production,
staging) do not run while NODE_ENV is unset and are not judged as this file's policy.
Also left to CORS003: ``${var}`` placeholders loopback-boot fills from app settings or the
environment, ``paths`` other than one literal path, a ``methods`` / ``verbs`` filter."""

from __future__ import annotations

import json
import os
from pathlib import Path

from corslint.extractors.js.project_files import is_development_path, project_root
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import CorsPolicy, Diagnostic, Extraction, Location, Value

MASTER = "middleware.json"
_PACKAGES = frozenset({"loopback", "loopback-boot"})
# merged over middleware.json while NODE_ENV is unset (env "development")
_DEFAULT_OVERRIDES = tuple(
    f"middleware.{stem}.{suffix}" for stem in ("local", "development") for suffix in ("js", "json")
)


def is_loopback_middleware(path: str) -> bool:
    """`middleware.json` in a project whose package.json depends on loopback(-boot)."""
    if os.path.basename(path) != MASTER:
        return False
    root = project_root(Path(path))
    if root is None:
        return False
    try:
        manifest = json.loads((root / "package.json").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(manifest, dict):
        return False
    for field in ("dependencies", "devDependencies", "peerDependencies"):
        listed = manifest.get(field)
        if isinstance(listed, dict) and not _PACKAGES.isdisjoint(listed):
            return True
    return False


def loopback_extraction(path: str, value: Value) -> Extraction:
    """The `cors` entries of a LoopBack middleware.json (`value`, as `read_cors_parts` reads it)."""
    policies: list[CorsPolicy] = []
    notes: list[Diagnostic] = []
    if not isinstance(value.raw, dict):
        return Extraction()
    overridden = _overridden(path)
    for phase in value.raw.values():
        if not isinstance(phase.raw, dict):
            continue
        entry = phase.raw.get("cors")
        if entry is None:
            continue
        for config in entry.raw if isinstance(entry.raw, tuple) else (entry,):
            if overridden is not None:
                notes.append(
                    _note(config.location, f"{overridden} is merged over it while NODE_ENV is unset")
                )
                continue
            found = _policy(path, config)
            if isinstance(found, CorsPolicy):
                policies.append(found)
            elif found:
                notes.append(_note(config.location, found))
    return Extraction(policies=tuple(policies), diagnostics=tuple(notes))


def _note(where: Location, why: str) -> Diagnostic:
    return Diagnostic(
        "CORS003",
        f"LoopBack's `cors` middleware entry was not checked: {why}; review its options by hand",
        where,
    )


def _overridden(path: str) -> str | None:
    """The local or development file merged over middleware.json that mentions cors."""
    folder = os.path.dirname(path)
    for name in _DEFAULT_OVERRIDES:
        try:
            text = Path(folder, name).read_bytes()
        except OSError:
            continue
        if b"cors" in text.lower():
            return name
    return None


def _policy(path: str, config: Value) -> CorsPolicy | str:
    """One entry's policy; a reason it cannot be read; "" when it sends nothing."""
    if not config.known or not isinstance(config.raw, dict):
        return "its configuration is not an object"
    raw = config.raw
    enabled = raw.get("enabled")
    if enabled is not None and (not enabled.known or _placeholder(enabled)):
        return "`enabled` is set at run time"
    if enabled is not None and enabled.raw is False:
        return ""  # middlewareFromConfig skips it
    if "methods" in raw or "verbs" in raw:
        return "it runs only for some methods"
    scope = ""
    paths = raw.get("paths")
    if paths is not None:
        listed = paths.raw if isinstance(paths.raw, tuple) else (paths,)
        if len(listed) > 1 or any(
            not p.known or not isinstance(p.raw, str) or _placeholder(p) for p in listed
        ):
            return "its `paths` are not one literal path"
        scope = listed[0].raw if listed and listed[0].raw not in {"/", "*", "/*"} else ""
        if scope and not scope.startswith("/"):
            return "its `paths` are not one literal path"
    params = raw.get("params")
    options: dict[str, Value] = {}
    if params is not None:
        first = params.raw[0] if isinstance(params.raw, tuple) and params.raw else params
        if isinstance(params.raw, tuple) and not params.raw:
            first = None  # `"params": []`: cors()
        if first is not None:
            if not first.known or _placeholder(first):
                return "its `params` are set at run time"
            if isinstance(first.raw, dict):
                options = {key: item for key, item in first.raw.items() if key in OPTION_NAMES}
                if any(_placeholder(item) for item in options.values()):
                    return "its `params` hold `${...}` values loopback-boot fills at run time"
            elif first.raw is not None and not isinstance(first.raw, (bool, int, float, str)):
                return "its `params` are not an options object"
    return CorsPolicy(
        framework="express",
        location=(params or config).location,
        options=options,
        development_only=is_development_path(path),
        label=f"LoopBack cors middleware in {path}",
        scope=scope,
        probe_path=scope + "x" if scope.endswith("/") else (scope or "/"),
    )


def _placeholder(value: Value) -> bool:
    """A `${name}` string (or one inside a list or mapping) loopback-boot replaces with
    `app.get(name)` or the environment (`getUpdatedConfigObject`, `useEnvVars`)."""
    raw = value.raw
    if isinstance(raw, str):
        return "${" in raw
    if isinstance(raw, tuple):
        return any(isinstance(item, Value) and _placeholder(item) for item in raw)
    if isinstance(raw, dict):
        return any(isinstance(item, Value) and _placeholder(item) for item in raw.values())
    return False
