"""CORS settings the project's own code reads, where django-cors-headers is not wired in.

A project without corsheaders may still name its settings `CORS_ALLOWED_ORIGINS` and
`CORS_ALLOW_CREDENTIALS` and read them in a middleware of its own (`getattr(settings,
"CORS_ALLOWED_ORIGINS", [])`, `settings.CORS_ALLOW_CREDENTIALS`): the settings are in use,
so saying that they "have no effect" is wrong; the hand-written middleware is judged
with them as its allow-list (census 7 C3, ChayannFamali/AutoHR core/cors.py)."""

from __future__ import annotations

import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.wiring import CORS_APPS, CORS_MIDDLEWARE, lists
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import texts_holding
from corslint.frameworks.django_cors import SETTINGS

_READ = re.compile(
    r"""getattr\(\s*(?:django\.conf\.)?settings\s*,\s*["'](CORS_[A-Z_]+)["']"""
    r"|(?<![\w.])(?:django\.conf\.)?settings\.(CORS_[A-Z_]+)\b"
)


def read_by_own_code(context: ProjectContext, leaf: PythonModule, namespace: Namespace) -> bool:
    """Whether corsheaders is in neither INSTALLED_APPS nor MIDDLEWARE, and a module of the
    project reading `django.conf.settings` reads one of the CORS settings these bind."""
    if any(
        lists(value, CORS_APPS | {CORS_MIDDLEWARE})
        for name in ("INSTALLED_APPS", "MIDDLEWARE")
        if (setting := namespace.settings.get(name)) is not None
        for value in setting.candidates()
    ):
        return False
    bound = {name for name in namespace.settings if name in SETTINGS}
    if not bound:
        return False
    texts = texts_holding(leaf.path, b"django.conf", context.shared)
    for text in texts or ():
        if "corsheaders" in text:
            continue  # a copy of the library itself
        for match in _READ.finditer(text):
            if (match.group(1) or match.group(2)) in bound:
                return True
    return False
