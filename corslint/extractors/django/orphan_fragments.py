"""A django-cors-headers settings fragment nothing loads (census 9 row C3).

`from corsheaders.defaults import default_headers` makes a module Django's (`identity`),
yet a fragment of `CORS_*` settings that sets no `INSTALLED_APPS` or `MIDDLEWARE` of its
own runs only when a settings module imports it. Where the project's launchers name the
settings module (`DJANGO_SETTINGS_MODULE` in manage.py, wsgi.py, asgi.py), no Django
settings module star-imports the fragment, and no module of the fragment's folder or of the
named settings modules' folders even mentions its name, Django never executes it
(hernanxd7/backend-django-envoy `django_workspace/cors.py` beside `settings.py`, which has
its own CORS block). Any mention of the name keeps the module judged: this is narrow on
purpose, a wrong "clean" on live settings being worse than a finding on dead ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.launchers import named_settings
from corslint.extractors.python import PythonModule


def orphan_fragment(
    context: ProjectContext, module: PythonModule, imported_by_django: Callable[[], bool]
) -> bool:
    """Whether `module` (a fragment without Django markers of its own) is loaded by nothing
    the project's named settings modules reach; False whenever that is not certain."""
    here = context.python.resolved(module.path)
    if here.stem == "__init__":
        return False  # a package's `__init__` runs whenever anything in it is imported
    named = named_settings(context, module)
    if not named or here in named:
        return False
    if imported_by_django():
        return False
    mention = re.compile(rf"(?<!\w){re.escape(here.stem)}(?!\w)")
    folders = {here.parent, *(path.parent for path in named)}
    return not any(_mentioned_in(folder, here, mention) for folder in sorted(folders))


def _mentioned_in(folder: Path, here: Path, mention: re.Pattern[str]) -> bool:
    try:
        candidates = sorted(folder.glob("*.py"))
    except OSError:
        return True
    for candidate in candidates:
        if candidate.resolve() == here:
            continue
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True
        if mention.search(text):
            return True
    return False
