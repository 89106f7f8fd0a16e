"""Django settings modules configuring django-cors-headers, read with the stdlib `ast`.

A settings module is evaluated statically, statement by statement, the way Python would
run it: `from .base import *` copies the base module's names, later assignments,
`+=`, `.append()` / `.insert()` override them, and an `if` whose test resolves picks its
branch (an undecidable DEBUG switch counts as off: its branch is development-only; any
other undecidable `if` leaves what it binds unknown, with both sides kept as
alternatives); django-split-settings `include()` runs its files in one namespace. One
policy is produced per settings *entry point* (see `settings_chain`), so `production.py`
is judged with what it inherits from `base.py`, and `base.py` on its own only when a
launcher names it or nothing but development modules extends it. A module is judged as
Django settings only when something says it is (see `identity`). Nothing is imported or
executed.
"""

from __future__ import annotations

import dataclasses

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.docs_stub import docs_build_stub
from corslint.extractors.django.entry_points import EntryPoint
from corslint.extractors.django.identity import (
    DJANGO_MARKERS,
    Identity,
    is_django_settings,
    settings_identity,
    unsure_message,
)
from corslint.extractors.django.module_imports import unbound_fragment, unbound_settings
from corslint.extractors.django.module_paths import module_key
from corslint.extractors.django.own_readers import read_by_own_code
from corslint.extractors.django.policy import NO_ORIGIN_SETTING, ORIGIN_SETTINGS, build_policy
from corslint.extractors.django.settings_chain import (
    emitter,
    entry_points,
    evaluated,
    folders_to_search,
    importers,
)
from corslint.extractors.django.settings_classes import exporter_entries
from corslint.extractors.django.signal_receivers import receiver_findings
from corslint.extractors.python import PythonModule
from corslint.frameworks.django_cors import SETTINGS
from corslint.model import CorsPolicy, Diagnostic, Extraction


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    received, diagnostics = (
        receiver_findings(context, path, text) if "check_request_enabled" in text else ((), ())
    )
    if received:  # a module of signal receivers, not of settings
        return Extraction(policies=received, diagnostics=diagnostics)
    if not may_be_settings(path, text) and not _settings_fragment(context, path, text):
        return Extraction(diagnostics=(*diagnostics, *unbound_fragment(context, path, text)))
    module = context.python.parse(path, text)
    # (PERF) the module as its own entry point, evaluated once: the loop below reads it again
    namespace = evaluated(context, EntryPoint(module))
    identity = settings_identity(context, module, namespace, lambda: _imported_by_django(context, module))
    if identity is not Identity.OTHER:
        unbound = unbound_settings(context, module)  # `from config import cors_settings`
        if unbound:
            return Extraction(diagnostics=(*diagnostics, *unbound))
    if identity is Identity.UNSURE:
        first = min(
            (
                module.location(target)
                for name in module.assignments
                if name in SETTINGS
                for target, _ in module.assignments[name]
            ),
            key=lambda at: (at.line, at.column),
        )
        return Extraction(
            diagnostics=(*diagnostics, Diagnostic("CORS305", unsure_message(module, context), first))
        )
    if identity is not Identity.DJANGO:
        return Extraction(diagnostics=diagnostics)
    policies: list[CorsPolicy] = []
    here = module_key(module)
    exporters = list(exporter_entries(context, module, folders_to_search(module, context)))
    for entry in [*entry_points(context, module), *exporters]:
        entry_namespace = evaluated(context, entry)
        if emitter(entry, entry_namespace) != here or docs_build_stub(context, entry, entry_namespace):
            continue
        policy = build_policy(entry, entry_namespace)
        if policy is not None and not read_by_own_code(context, entry.module, entry_namespace):
            policies.append(policy)
    return Extraction(policies=_origins_set_elsewhere(policies), diagnostics=diagnostics)


def _origins_set_elsewhere(policies: list[CorsPolicy]) -> tuple[CorsPolicy, ...]:
    """When another entry point of these settings names its origins, an entry point that
    names none is not said to admit none (its settings may be the shared part)."""
    with_origins = [
        p for p in policies if not any(e.detail.startswith(NO_ORIGIN_SETTING) for e in p.evidence)
    ]
    if len(with_origins) == len(policies) or not any(
        name in p.options for p in with_origins for name in ORIGIN_SETTINGS
    ):
        return tuple(policies)
    return tuple(
        dataclasses.replace(
            p, evidence=tuple(e for e in p.evidence if not e.detail.startswith(NO_ORIGIN_SETTING))
        )
        for p in policies
    )


def may_be_settings(path: str, text: str) -> bool:
    """A cheap test before evaluating: most files mentioning CORS_ are not Django settings."""
    if "corsheaders" in text or "import *" in text or "split_settings" in text:
        return True
    if any(marker in text for marker in DJANGO_MARKERS):
        return True
    return "settings" in path.lower() and any(name in text for name in SETTINGS)


def _settings_fragment(context: ProjectContext, path: str, text: str) -> bool:
    """A module of django-cors-headers settings that another settings module star-imports
    or includes (`include("modules/*.py")` of django-split-settings pulling in
    `config/modules/cors.py`): it may be judged as the entry point's reporting module."""
    if not any(name in text for name in SETTINGS):
        return False
    return bool(importers(context, context.python.parse(path, text)))


def _imported_by_django(context: ProjectContext, module: PythonModule) -> bool:
    """Whether a Django settings module star-imports or includes `module`, directly or
    through other fragments."""
    stack = [module]
    seen: set[str] = set()
    while stack and len(seen) < 20:
        current = stack.pop()
        key = module_key(current)
        if key in seen:
            continue
        seen.add(key)
        for importer in importers(context, current):
            if (
                is_django_settings(importer)
                or set(evaluated(context, EntryPoint(importer)).settings) & DJANGO_MARKERS
            ):
                return True
            stack.append(importer)
    return False
