"""A hand-written Django middleware listed after (inside) django-cors-headers'
CorsMiddleware when the settings admit every origin (census 11 C1, JAvila30/backend_final
app/cors.py under djangopy/settings.py): corsheaders' `add_response_headers` runs after the
inner layer on the way out and, for every request carrying an Origin, writes its own
`Access-Control-Allow-Origin` (the echoed Origin, or `*` without credentials) over the
inner one's (measured with Django 5.2 and django-cors-headers 4.9,
tests/test_differential_django_inner_layer_under_allow_all.py). The inner layer's
Allow-Origin then reaches only requests without an Origin, which no cross-origin reader
sends: rules do not judge it (`origin-replaced-outside`, rules/probe.py). With an
allow-list instead, corsheaders leaves the unlisted origins' answers alone, and the inner
layer's Allow-Origin reaches them: it stays judged.

Read only where the setting is a literal `True` in the settings module that lists both
(`CORS_ALLOW_ALL_ORIGINS`, or its old name `CORS_ORIGIN_ALLOW_ALL`), and where no
`CORS_URLS_REGEX` limits corsheaders to some paths (the placement checks that)."""

from __future__ import annotations

from corslint.extractors.python import PythonModule
from corslint.extractors.python.tried_imports import followed_star_import, tried_star_imports
from corslint.model import Evidence, Location

REPLACED_OUTSIDE = "origin-replaced-outside"


def admits_every_origin(settings: PythonModule) -> bool:
    """The settings turn on corsheaders' allow-all with a literal `True`: the new name
    decides where it is set, else the old one (corsheaders.conf reads it so). A module the
    settings star-import in a `try:` at their end binds it there (secure-file-share/api
    securefileshare/cors_settings.py): the last such module binding it decides."""
    for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"):
        for module in [*_tried_modules(settings), settings]:
            if name not in module.text:
                continue
            value = module.resolve_name(name)
            if value is None:
                continue
            # unknown, or read from the environment: not decided here
            return value.known and value.raw is True
    return False


def _tried_modules(settings: PythonModule) -> list[PythonModule]:
    """The in-tree modules the settings star-import in a `try:`, the last first."""
    project = settings.project
    found: list[PythonModule] = []
    for statement in reversed(tried_star_imports(settings)):
        path = followed_star_import(settings, statement)
        if path is None or project is None:
            continue
        module = project.module_at(path, project.display_path(settings.path, path))
        if module is not None:
            found.append(module)
    return found


def replaced_origin_evidence(entry: Location) -> Evidence:
    return Evidence(
        REPLACED_OUTSIDE,
        "django-cors-headers, listed before it in MIDDLEWARE, admits every origin and writes its "
        "own `Access-Control-Allow-Origin` over this layer's on every request carrying an Origin",
        entry,
    )
