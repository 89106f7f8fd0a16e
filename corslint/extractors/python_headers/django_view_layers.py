"""A hand-written Django view, or a helper the views hand their responses to, under
django-cors-headers (secure-file-share/api alpha/responses.py `send_with_cors`, which
every DRF response helper calls, under securefileshare/settings.py's CorsMiddleware).

Every middleware wraps every view. corsheaders' `CorsMiddleware` answers each preflight on
the paths `CORS_URLS_REGEX` covers (default: all) with its own 200 before any view runs,
and on the way out writes its `Access-Control-Allow-Origin` over the view's for every
origin it admits (measured with Django 5.2 and django-cors-headers 4.9,
tests/test_differential_django_view_under_corsheaders.py). So:
- the view's own preflight answers are never sent (no CORS206 about them);
- where corsheaders admits every origin, the view's Allow-Origin never reaches a
  cross-origin reader (`origin-replaced-outside`, as for a middleware listed after it);
- the view and corsheaders are two CORS layers of one application (CORS302), keyed as
  the django extractor keys the settings module's policy; a view that writes only
  `Access-Control-Allow-Credentials` (LibrePhotos/librephotos librephotos/urls.py's token
  views) is one too: corsheaders writes its own over it for the origins it admits, and
  the view's line alone reaches the answers to the origins it refuses (measured the same
  way, tests/test_differential_django_credentials_view.py).

Read where corsheaders wraps the views the way `django_library_vary` finds it (every
production MIDDLEWARE lists it, no `CORS_URLS_REGEX`), and not for a 1.x or 2.x pin,
which was not measured."""

from __future__ import annotations

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.django_layers import corsheaders_wiring, settings_key
from corslint.extractors.python_headers.django_library_vary import measured_corsheaders
from corslint.extractors.python_headers.django_outer_origin import (
    admits_every_origin,
    replaced_origin_evidence,
)
from corslint.extractors.python_headers.unit import Unit

_ROLES = frozenset({"view", "helper"})


def join_corsheaders(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Make each hand-written Django view or helper here a layer of corsheaders' app."""
    layers = [unit for unit in units if unit.kind == "django" and unit.role in _ROLES and not unit.app]
    if not layers:
        return
    found = measured_corsheaders(module, context)
    if found is None:
        return
    settings, entry = found
    wiring = corsheaders_wiring(entry)
    replaced = (replaced_origin_evidence(entry),) if admits_every_origin(settings) else ()
    for unit in layers:
        unit.app = f"django:{settings_key(settings)}"
        unit.options_status = "unknown"  # corsheaders answers the preflights: no view sees one
        unit.beside_library = True
        unit.evidence = (*unit.evidence, wiring, *replaced)
