"""LoopBack 3's per-environment middleware file, ``server/middleware.<env>.js``:

    module.exports = { initial: { cors: { params: { origin: function (origin, cb) {...} } } } };

loopback-boot (``lib/plugins/middleware.js``, ``merge`` / ``mergePhaseConfig``) merges it
over ``middleware.json`` when NODE_ENV is ``<env>``: each key of the entry's ``params``
replaces the main file's (scalars), the keys it does not name stay (set 18:
heshamelmasry77/loopback-mongodb-zeit-now, whose production file swaps the origin for a
callback and keeps ``credentials: true``). A phase or entry the main file lacks, or values
of incompatible types, make loopback-boot throw at start: no policy. The result is the
cors package's options, judged "when NODE_ENV is "<env>"" (an ``enabled-when`` evidence):
the unset case runs ``middleware.json`` with the development file
(`config_files.loopback_middleware`), which is why ``local`` and ``development`` files are
not read here."""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.extractors.config_files.cors_parts import read_cors_parts
from corslint.extractors.config_files.loopback_middleware import MASTER, is_loopback_middleware
from corslint.extractors.express.origin_functions import classified_origin
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import unwrap
from corslint.frameworks.express import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, FunctionValue, SourceError, Value

_ENV_FILE = re.compile(r"^middleware\.([A-Za-z0-9_-]+)\.js$")
_DEFAULT_ENVS = frozenset({"local", "development"})
_ENTRY_SETTINGS = frozenset({"enabled", "paths", "methods", "verbs", "optional"})


def loopback_env_policies(module: JsModule) -> list[CorsPolicy]:
    found = _ENV_FILE.match(os.path.basename(module.path))
    if found is None or module.file is None:
        return []
    env = found.group(1)
    master_path = str(Path(module.file).parent / MASTER)
    if env in _DEFAULT_ENVS or not is_loopback_middleware(master_path):
        return []
    exported = _exported(module)
    master = _read(master_path)
    if exported is None or master is None or not isinstance(exported.raw, dict):
        return []
    policies = []
    for phase_name, phase in exported.raw.items():
        entry = phase.raw.get("cors") if phase.known and isinstance(phase.raw, dict) else None
        if entry is None or not entry.known or not isinstance(entry.raw, dict):
            continue
        base = _master_entry(master, phase_name)
        if base is None or not _ENTRY_SETTINGS.isdisjoint({*entry.raw, *base}):
            continue  # not in the main file (boot throws), or switched / scoped: not modelled
        params = entry.raw.get("params")
        if params is None or not params.known or not isinstance(params.raw, dict):
            continue
        merged = _merged(_options(base.get("params")), params.raw)
        if merged is None:
            continue
        merged = {k: _classified(module, v) for k, v in merged.items() if k in OPTION_NAMES}
        policies.append(
            CorsPolicy(
                framework="express",
                location=params.location,
                options=merged,
                evidence=(Evidence("enabled-when", f'NODE_ENV is "{env}"', params.location),),
                label=f"LoopBack cors middleware for NODE_ENV={env} in {module.path}",
            )
        )
    return policies


def _exported(module: JsModule) -> Value | None:
    """What `module.exports = ...` at the top level assigns (the last such statement)."""
    found = None
    for node in module.root.named_children:
        target = (
            unwrap(node.named_children[0])
            if node.type == "expression_statement" and node.named_children
            else None
        )
        if target is None or target.type != "assignment_expression":
            continue
        if module.text(target.child_by_field_name("left")).replace(" ", "") == "module.exports":
            right = target.child_by_field_name("right")
            found = module.resolve(right) if right is not None else None
    return found


def _read(path: str) -> Value | None:
    try:
        text = Path(path).read_text("utf-8")
        return read_cors_parts(path, text)
    except (OSError, UnicodeDecodeError, SourceError):
        return None


def _master_entry(master: Value, phase_name: str) -> dict[str, Value] | None:
    if not isinstance(master.raw, dict):
        return None
    phase = master.raw.get(phase_name)
    if phase is None or not isinstance(phase.raw, dict):
        return None
    entry = phase.raw.get("cors")
    return entry.raw if entry is not None and isinstance(entry.raw, dict) else None


def _options(params: Value | None) -> dict[str, Value] | None:
    if params is None:
        return {}
    return params.raw if params.known and isinstance(params.raw, dict) else None


def _merged(base: dict[str, Value] | None, override: dict[str, Value]) -> dict[str, Value] | None:
    """loopback-boot's `mergeObjects` on the two `params` (scalars replaced, keys kept);
    None where it would throw or where nested values would need a deeper merge."""
    if base is None:
        return None
    merged = dict(base)
    for key, value in override.items():
        old = base.get(key)
        if old is not None and (not old.known or not value.known):
            return None
        nested = old is not None and (
            isinstance(old.raw, (dict, tuple)) or isinstance(value.raw, (dict, tuple))
        )
        if nested and old is not None and old.raw is not None:
            return None  # nested merge or incompatible types: not modelled
        merged[key] = value
    return merged


def _classified(module: JsModule, value: Value) -> Value:
    if value.known and isinstance(value.raw, FunctionValue):
        return classified_origin(module, value)
    return value
