"""A hand-written Django view under django-cors-headers: the view's `Vary` is not the
whole story (CORS107), as for a Starlette layer under CORSMiddleware
(starlette_library_vary.py).

django-cors-headers' `CorsMiddleware` runs `patch_vary_headers(response, ("origin",))` on
every response to a request whose path `CORS_URLS_REGEX` matches (default `^.*$`: all),
before it looks at the Origin at all, and after the view (a view is inside every
middleware): whatever the view wrote, the answer reaches the browser with `Vary: Origin`
(`patch_vary_headers` joins it onto the view's own `Vary`). Read from the wheels: 2.4.0
and every later release (2.5, 3.x, 4.x; 4.9 measured with Django 5.2,
tests/test_differential_django_library_vary.py); 1.x to 2.3 patched `Vary` only where the
middleware wrote an echoed Origin itself (2.2, 2.3 and 2.4 run once over the fixture
django/handwritten_view_under_corsheaders_pinned_2x: a listed origin's answer carries
`Vary: Origin` under all three, the view's echo to an origin only the view admits only
under 2.4).

The view gets `library-vary-routes` evidence (rules/starlette_vary.py) only where:
- every settings module of the project that binds MIDDLEWARE (its development and test
  settings aside) lists `corsheaders.middleware.CorsMiddleware` in a list corslint reads,
  and at least one does (a settings module changing the list in a way not followed, or a
  production MIDDLEWARE without it, gives nothing);
- no settings module sets `CORS_URLS_REGEX` (the view's URL would have to be matched);
- the nearest manifests do not pin django-cors-headers to 1.x or 2.x (2.0-2.3 did not
  add it always; a 2.x pin is not read further)."""

from __future__ import annotations

import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.development_paths import is_test_path
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.pydantic_version import declared_major
from corslint.extractors.python_headers.django_appended import middleware_setting
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Evidence, Location

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
LIBRARY_VARY_ROUTES = "library-vary-routes"  # rules/starlette_vary.py reads it
FIRST_ALWAYS_VARY = 3  # the first major whose every release adds `Vary: Origin` always
# a settings module changing MIDDLEWARE without binding a list corslint reads
_CHANGED = re.compile(r"\bMIDDLEWARE\b\s*(?:=|\+=|-=|\[|\.(?:remove|pop|clear)\b)|\bdel\s+MIDDLEWARE\b")


def note_corsheaders_vary(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Give each hand-written Django view the `library-vary-routes` evidence where
    django-cors-headers adds `Vary: Origin` to every answer of the project."""
    views = [unit for unit in units if unit.kind == "django" and unit.role == "view"]
    if not views:
        return
    found = measured_corsheaders(module, context)
    if found is None:
        return
    entry = found[1]
    for unit in views:
        unit.evidence = (
            *unit.evidence,
            Evidence(
                LIBRARY_VARY_ROUTES,
                "django-cors-headers, in MIDDLEWARE, adds `Vary: Origin` to every answer its views give",
                entry,
            ),
        )


def measured_corsheaders(
    module: PythonModule, context: ProjectContext
) -> tuple[PythonModule, Location] | None:
    """`corsheaders_around_views`, where the pinned django-cors-headers is one whose every
    release was measured adding `Vary: Origin` and answering preflights first (3 and later,
    or no pin)."""
    found = corsheaders_around_views(module, context)
    if found is None:
        return None
    major = declared_major(module.path, "django-cors-headers")
    return None if major is not None and major < FIRST_ALWAYS_VARY else found


def corsheaders_around_views(
    module: PythonModule, context: ProjectContext
) -> tuple[PythonModule, Location] | None:
    """The first settings module listing corsheaders and its MIDDLEWARE entry, when every
    production settings module's MIDDLEWARE lists it and none limits it with CORS_URLS_REGEX."""
    if modules_mentioning(module, context, b"CORS_URLS_REGEX"):
        return None
    found: tuple[PythonModule, Location] | None = None
    for settings in modules_mentioning(module, context, b"MIDDLEWARE"):
        inside = _inside_project(settings, context)
        if is_development_path(inside) or is_test_path(inside):
            continue
        value = middleware_setting(settings)
        if value is None:
            if _CHANGED.search(settings.text):
                return None
            continue
        if not value.known or not isinstance(value.raw, (tuple, list)):
            return None
        entry = next(
            (item.location for item in value.raw if item.known and item.raw == CORS_MIDDLEWARE), None
        )
        if entry is None:
            return None
        found = found or (settings, entry)
    return found


def _inside_project(module: PythonModule, context: ProjectContext) -> str:
    """The module's path from the linted folder it is in (a fixture tree inside a `tests/`
    folder is not a test suite of its own)."""
    path = Path(module.real_path())
    root = next((r for r in context.linted_folders if path.is_relative_to(r)), None)
    return path.relative_to(root).as_posix() if root is not None else module.real_path()
