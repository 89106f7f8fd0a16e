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
file. A ``middleware.local.json`` that touches ``cors`` is merged into this file's policy
(it runs in every environment); a ``middleware.development.json`` one makes two policies,
each judged under its condition: this file's (with the local one) "when NODE_ENV names
another environment than development", and the merged one "when NODE_ENV is unset or
"development"" (loopback_overrides.py; TaiBIF/camera-trap-api ``server/middleware.json``
sends ``origin: "*"``, its development file ``origin: true`` with credentials). A ``.js``
local or development file, a merge loopback-boot refuses (a ``cors`` entry the main file
lacks, values of incompatible types), or an unknown value nested in a merge leave the
entry a CORS003 note (not read), never a guess. Files for other environments (production,
staging) are express/loopback_env_middleware.py's.
Also left to CORS003: ``${var}`` placeholders loopback-boot fills from app settings or the
environment, ``paths`` other than one literal path, a ``methods`` / ``verbs`` filter."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from corslint.extractors.config_files.cors_parts import read_cors_parts
from corslint.extractors.config_files.loopback_overrides import (
    DEVELOPMENT,
    DEVELOPMENT_RUN,
    LOCAL,
    OTHER_RUN,
    cors_override,
    merged_object,
)
from corslint.extractors.js.project_files import is_development_path, project_root
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import CorsPolicy, Diagnostic, Evidence, Extraction, Location, SourceError, Value

MASTER = "middleware.json"
_PACKAGES = frozenset({"loopback", "loopback-boot"})


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
    """The `cors` entries of a LoopBack middleware.json (`value`, as `read_cors_parts` reads
    it), with the local and development JSON files merged over it (loopback_overrides.py)."""
    policies: list[CorsPolicy] = []
    notes: list[Diagnostic] = []
    if not isinstance(value.raw, dict):
        return Extraction()
    folder = os.path.dirname(path)
    local, development = (_override(folder, stem) for stem in (LOCAL, DEVELOPMENT))
    unread = next((found for found in (local, development) if isinstance(found, str)), None)
    if unread is None:
        unread = _stray_entry(value, local, development)
    for phase_name, phase in value.raw.items():
        if not isinstance(phase.raw, dict):
            continue
        entry = phase.raw.get("cors")
        if entry is None:
            continue
        listed = isinstance(entry.raw, tuple)
        for config in entry.raw if listed else (entry,):
            if unread is not None or (listed and (local or development)):
                notes.append(_note(config.location, unread or "an override file merges over its list"))
                continue
            for found in _entry_policies(path, phase_name, config, local, development):
                if isinstance(found, CorsPolicy):
                    policies.append(found)
                elif found:
                    notes.append(_note(config.location, found))
    return Extraction(policies=tuple(policies), diagnostics=tuple(notes))


_Override = tuple[str, Value] | str | None  # (display path, read JSON), why not read, or none


def with_local(path: str, master: Value) -> Value | None:
    """middleware.json as it stands in every environment: `master` with the
    middleware.local.json that touches cors merged over its `cors` entries; None where that
    file is not read (a `.js` one) or its merge is not modelled."""
    local = _override(os.path.dirname(path), LOCAL)
    if local is None:
        return master
    if isinstance(local, str) or not isinstance(master.raw, dict) or _stray_entry(master, local):
        return None
    phases = dict(master.raw)
    for phase_name, phase in master.raw.items():
        entry = phase.raw.get("cors") if isinstance(phase.raw, dict) else None
        if entry is None or _phase_entry(local[1], phase_name) is None:
            continue
        merged = _merged_entry(entry, local[1], phase_name)
        if merged is None:
            return None
        assert isinstance(phase.raw, dict)
        phases[phase_name] = Value({**phase.raw, "cors": merged}, phase.location, phase.provenance)
    return Value(phases, master.location, master.provenance)


def _override(folder: str, stem: str) -> _Override:
    """The local or development override that mentions cors: its display path and JSON; a
    reason it is not read (a `.js` file); None without one."""
    found = cors_override(Path(folder), stem)
    if found is None:
        return None
    file, text = found
    shown = os.path.join(folder, file.name)
    when = "in every environment" if stem == LOCAL else "while NODE_ENV is unset"
    if file.suffix != ".json":
        return f"{file.name} is merged over it {when}"
    try:
        read = read_cors_parts(shown, text)
    except SourceError:
        read = None
    if read is None or not isinstance(read.raw, dict):
        return f"{file.name} is merged over it {when}, and corslint could not read it"
    return shown, read


def _stray_entry(master: Value, *overrides: _Override) -> str | None:
    """A `cors` entry an override sets in a phase whose main entry is missing: loopback-boot
    refuses to start with it."""
    assert isinstance(master.raw, dict)
    for found in overrides:
        if not isinstance(found, tuple) or not isinstance(found[1].raw, dict):
            continue
        for phase_name, phase in found[1].raw.items():
            base = master.raw.get(phase_name)
            kept = base is not None and isinstance(base.raw, dict) and "cors" in base.raw
            if isinstance(phase.raw, dict) and "cors" in phase.raw and not kept:
                return f"{os.path.basename(found[0])} adds a `cors` entry the main file lacks"
    return None


def _entry_policies(
    path: str, phase_name: str, config: Value, local: _Override, development: _Override
) -> list[CorsPolicy | str]:
    """The entry's policy with the local file merged; with a development file, one policy
    per case: that file merged over it (NODE_ENV unset or development) and without it."""
    if isinstance(local, tuple):
        merged = _merged_entry(config, local[1], phase_name)
        if merged is None:
            return [f"{os.path.basename(local[0])} is merged over it in a way corslint does not model"]
        config = merged
    base = _policy(path, config)
    if not isinstance(development, tuple):
        return [base]
    developed = _merged_entry(config, development[1], phase_name)
    if developed is None:
        return [f"{os.path.basename(development[0])} is merged over it in a way corslint does not model"]
    found: list[CorsPolicy | str] = [_when(base, OTHER_RUN) if isinstance(base, CorsPolicy) else base]
    dev = _policy(development[0], developed)
    override = _phase_entry(development[1], phase_name)
    if isinstance(dev, CorsPolicy) and override is not None:
        params = override.raw.get("params") if isinstance(override.raw, dict) else None
        dev = dataclasses.replace(_when(dev, DEVELOPMENT_RUN), location=(params or override).location)
    elif isinstance(dev, CorsPolicy):
        dev = _when(dev, DEVELOPMENT_RUN)
    found.append(dev)
    return found


def _when(policy: CorsPolicy, condition: str) -> CorsPolicy:
    return dataclasses.replace(
        policy, evidence=(*policy.evidence, Evidence("enabled-when", condition, policy.location))
    )


def _phase_entry(override: Value, phase_name: str) -> Value | None:
    phase = override.raw.get(phase_name) if isinstance(override.raw, dict) else None
    return phase.raw.get("cors") if phase is not None and isinstance(phase.raw, dict) else None


def _merged_entry(config: Value, override: Value, phase_name: str) -> Value | None:
    """The entry with the override's entry of the same phase merged over it (unchanged
    where the override has none); None where loopback-boot would throw or a value is not
    known."""
    entry = _phase_entry(override, phase_name)
    if entry is None:
        return config
    if not (config.known and entry.known and isinstance(config.raw, dict) and isinstance(entry.raw, dict)):
        return None  # a list of entries, or an entry that is not an object: not modelled
    return merged_object(config, entry)


def _note(where: Location, why: str) -> Diagnostic:
    return Diagnostic(
        "CORS003",
        f"LoopBack's `cors` middleware entry was not checked: {why}; review its options by hand",
        where,
    )


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
