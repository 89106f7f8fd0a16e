"""LoopBack 3's per-environment middleware file, ``server/middleware.<env>.js``:

    module.exports = { initial: { cors: { params: { origin: function (origin, cb) {...} } } } };

loopback-boot (``lib/plugins/middleware.js``, ``merge`` / ``mergePhaseConfig``) merges it
over ``middleware.json`` when NODE_ENV is ``<env>``, as config_files/loopback_overrides.py
merges the JSON overrides: each key of the entry's ``params`` replaces the main file's
(scalars) or merges into it, the keys it does not name stay (set 18:
heshamelmasry77/loopback-mongodb-zeit-now, whose production file swaps the origin for a
callback and keeps ``credentials: true``). A phase or entry the main file lacks, or values
of incompatible types, make loopback-boot throw at start: no policy. The result is the
cors package's options, judged "when NODE_ENV is "<env>"" (an ``enabled-when`` evidence):
the unset case runs ``middleware.json`` with the development file
(`config_files.loopback_middleware`), which is why ``local`` and ``development`` files are
not read here, except that a ``middleware.local.json`` is merged first, as it is in every
environment (`loopback_middleware.with_local`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from corslint.extractors.config_files.cors_parts import read_cors_parts
from corslint.extractors.config_files.loopback_middleware import MASTER, is_loopback_middleware, with_local
from corslint.extractors.config_files.loopback_overrides import merged_value
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
    read = _read(master_path)
    master = with_local(master_path, read) if read is not None else None
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
        old = base.get("params")
        both = merged_value(old, params) if old is not None else params
        if both is None or not both.known or not isinstance(both.raw, dict):
            continue
        merged = {k: _classified(module, v) for k, v in both.raw.items() if k in OPTION_NAMES}
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


def _classified(module: JsModule, value: Value) -> Value:
    if value.known and isinstance(value.raw, FunctionValue):
        return classified_origin(module, value)
    return value
