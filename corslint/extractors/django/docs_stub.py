"""A settings module that only a documentation build loads: under `docs/` (Sphinx's
`conf.py` sets `DJANGO_SETTINGS_MODULE` to it so that autodoc can import the apps), no
launcher names it, no settings module star-imports or includes it, it builds on none,
and it sets no `CORS_*` setting. Listing `corsheaders` in its INSTALLED_APPS configures
no server: it is no entry point, and nothing in it is judged."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.entry_points import EntryPoint
from corslint.extractors.django.launchers import named_settings
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.settings_chain import importers
from corslint.frameworks.django_cors import SETTINGS

DOCS_FOLDERS = frozenset({"docs", "doc", "documentation"})


def docs_build_stub(context: ProjectContext, entry: EntryPoint, namespace: Namespace) -> bool:
    module = entry.module
    if entry.choices or module.star_imports or "split_settings" in module.text:
        return False
    if not DOCS_FOLDERS & {part.lower() for part in Path(module.path).parts[:-1]}:
        return False
    if any(name in SETTINGS for name in namespace.settings):
        return False
    named = named_settings(context, module)
    if context.python.resolved(module.path) in named:
        return False
    return not importers(context, module)
