"""Where a hand-written Django middleware sits: the settings modules whose MIDDLEWARE
lists it, and whether django-cors-headers' CorsMiddleware is listed before it.

Django runs MIDDLEWARE top down for the request, so a middleware listed first is the
outer one. django-cors-headers' `CorsMiddleware.check_preflight` answers every preflight
on the paths `CORS_URLS_REGEX` covers (default: all) with its own empty 200, so a
middleware listed after it never sees a preflight (measured with Django 5.2 and
django-cors-headers 4.9, tests/test_differential_django_layers.py). Both still write
onto the other responses: the two are one application's layers (CORS302), keyed as the
django extractor keys the settings module's policy (`django:<resolved path>`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path, PurePath

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.drf_authentication import token_classes
from corslint.extractors.python_headers.django_appended import middleware_setting
from corslint.extractors.python_headers.django_outer_origin import (
    admits_every_origin,
    replaced_origin_evidence,
)
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Evidence, Location, Value

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"


@dataclass(frozen=True)
class Placement:
    """How the project's settings place one middleware class."""

    listed: bool
    app: str = ""  # the settings module's policy key, where one settings module lists it
    preflights_answered_outside: bool = False
    evidence: tuple[Evidence, ...] = ()  # the settings module's DRF token authentication
    listed_at: Location | None = None  # its MIDDLEWARE entry, where it joins the app's layers
    # corsheaders is listed after it (inside it): corsheaders answers the preflights that
    # reach it and adds `Vary: Origin` to every response before this layer writes on it
    corsheaders_inside: Location | None = None
    corsheaders_at: Location | None = None  # its MIDDLEWARE entry in the same settings
    corsheaders_origins: frozenset[str] = frozenset()  # the origins its literal allow-list holds
    # corsheaders is listed before it (outside it) and admits every origin: it writes its own
    # Allow-Origin over this layer's on every answer to a request carrying an Origin
    origin_replaced_outside: Location | None = None


def placement(module: PythonModule, node: ast.ClassDef, context: ProjectContext) -> Placement:
    """A class no MIDDLEWARE setting names never runs (an old variant left in the file);
    with no settings found at all, it is read as listed."""
    settings = modules_mentioning(module, context, b"MIDDLEWARE")
    if not settings:
        return Placement(listed=True)
    found: list[tuple[PythonModule, tuple[str | None, ...] | None, str]] = []
    for other in settings:
        if node.name not in other.text:
            continue
        entries = _middleware(other)
        if entries is None:
            found.append((other, None, ""))
            continue
        dotted = next((e for e in entries if e is not None and _names(module, node.name, e)), None)
        if dotted is not None and _unique(module, node.name, dotted, context):
            found.append((other, entries, dotted))
    if not found:
        return Placement(listed=False)
    keyed = [(other, entries, dotted) for other, entries, dotted in found if entries is not None]
    # one key per policy: prefer the settings module where corsheaders is listed too
    keyed.sort(key=lambda item: (CORS_MIDDLEWARE not in (item[1] or ()), item[0].path))
    if not keyed:  # a MIDDLEWARE it cannot read (`+=`): listed, the settings' DRF auth still seen
        return Placement(listed=True, evidence=_token_authentication(found[0][0]))
    other, entries, dotted = keyed[0]
    assert entries is not None
    return Placement(
        listed=True,
        app=f"django:{settings_key(other)}",
        preflights_answered_outside=_answered_outside(other, entries, dotted),
        evidence=_token_authentication(other),
        listed_at=_entry_location(other, dotted),
        corsheaders_inside=_entry_location(other, CORS_MIDDLEWARE)
        if _inside(other, entries, dotted)
        else None,
        corsheaders_at=_entry_location(other, CORS_MIDDLEWARE) if CORS_MIDDLEWARE in entries else None,
        corsheaders_origins=_listed_origins(other),
        origin_replaced_outside=_entry_location(other, CORS_MIDDLEWARE)
        if _answered_outside(other, entries, dotted) and admits_every_origin(other)
        else None,
    )


def _listed_origins(settings: PythonModule) -> frozenset[str]:
    """corsheaders' allow-list in these settings, where it is a literal list of strings."""
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST"):
        value = settings.resolve_name(name)
        if value is not None and value.known and isinstance(value.raw, (tuple, list)):
            texts = [_text(item) for item in value.raw]
            return frozenset(t for t in texts if t is not None) if None not in texts else frozenset()
    return frozenset()


def _entry_location(settings: PythonModule, dotted: str) -> Location | None:
    value = middleware_setting(settings)
    if value is None or not value.known or not isinstance(value.raw, (tuple, list)):
        return None
    return next((item.location for item in value.raw if _text(item) == dotted), None)


def _token_authentication(settings: PythonModule) -> tuple[Evidence, ...]:
    """The settings' DRF authentication reads the Authorization header (Token, JWT ...)."""
    if "REST_FRAMEWORK" not in settings.text:
        return ()
    for entry in token_classes(settings.resolve_name("REST_FRAMEWORK"))[:1]:
        name = str(entry.raw).rsplit(".", 1)[-1]
        return (Evidence("bearer-auth", f"Django REST framework's {name}", entry.location),)
    return ()


def _middleware(settings: PythonModule) -> tuple[str | None, ...] | None:
    value = middleware_setting(settings)
    if value is None or not value.known or not isinstance(value.raw, (tuple, list)):
        return None
    return tuple(_text(item) for item in value.raw)


def _text(item: Value) -> str | None:
    return item.raw if item.known and isinstance(item.raw, str) else None


def _module_parts(module: PythonModule) -> tuple[str, ...]:
    path = PurePath(module.path)
    parts = (*path.parent.parts, path.stem) if path.stem != "__init__" else path.parent.parts
    return tuple(parts)


def _names(module: PythonModule, name: str, dotted: str) -> bool:
    """`home.middleware.MyMiddle` names the class in `apps/home/middleware.py`: Django
    projects put `apps/` (or `src/`) on sys.path, so the dotted path is a suffix."""
    head, _, last = dotted.rpartition(".")
    if last != name or not head:
        return False
    wanted = tuple(head.split("."))
    parts = _module_parts(module)
    return len(parts) >= len(wanted) and parts[-len(wanted) :] == wanted


def _unique(module: PythonModule, name: str, dotted: str, context: ProjectContext) -> bool:
    """No other module of the project defining the class matches the dotted path too."""
    return not any(
        _names(other, name, dotted) for other in modules_mentioning(module, context, f"class {name}".encode())
    )


def _answered_outside(settings: PythonModule, entries: tuple[str | None, ...], dotted: str) -> bool:
    if CORS_MIDDLEWARE not in entries or "CORS_URLS_REGEX" in settings.text:
        return False  # a CORS_URLS_REGEX leaves the other paths' preflights to the inner layers
    cors = entries.index(CORS_MIDDLEWARE)
    if None in entries[:cors]:
        return False  # an unknown entry before it could be anything
    return cors < entries.index(dotted)


def _inside(settings: PythonModule, entries: tuple[str | None, ...], dotted: str) -> bool:
    """corsheaders is listed after the middleware, with nothing unknown between them
    (OmarThinks/cantiin_django: measured in tests/test_differential_django_outer_layer.py)."""
    if CORS_MIDDLEWARE not in entries or "CORS_URLS_REGEX" in settings.text:
        return False
    mine, cors = entries.index(dotted), entries.index(CORS_MIDDLEWARE)
    return mine < cors and None not in entries[mine:cors]


def settings_key(settings: PythonModule) -> str:
    """The django extractor's `module_key`: the settings module's resolved path."""
    if settings.project is not None:
        return settings.project.resolved(settings.path).as_posix()
    return Path(settings.path).resolve().as_posix()


def corsheaders_wiring(entry: Location) -> Evidence:
    """django-cors-headers' MIDDLEWARE entry, the other layer CORS302 names."""
    return Evidence("library-wiring", "django-cors-headers' MIDDLEWARE entry", entry)


def placed(module: PythonModule, node: ast.ClassDef, unit: Unit, context: ProjectContext) -> Unit | None:
    """The middleware's layer as the settings run it, or None when no settings list it."""
    found = placement(module, node, context)
    if not found.listed:
        return None
    if found.app:
        unit.app = found.app
    unit.evidence = found.evidence
    if found.listed_at is not None:
        # CORS302 points at the entry that makes it a second layer, as at a second
        # `add_middleware` call
        unit.evidence = (*unit.evidence, Evidence("layer-wiring", "MIDDLEWARE entry", found.listed_at))
    if found.corsheaders_at is not None:  # the other layer, for CORS302 to name
        unit.evidence = (*unit.evidence, corsheaders_wiring(found.corsheaders_at))
    if found.origin_replaced_outside is not None:
        unit.evidence = (*unit.evidence, replaced_origin_evidence(found.origin_replaced_outside))
    if found.preflights_answered_outside:
        unit.options_status = "unknown"  # corsheaders answers them: this layer never sees one
    if found.corsheaders_inside is not None:
        unit.inner_vary = found.corsheaders_inside
        # for CORS302 to say that this layer writes over corsheaders' preflight answers
        detail = "django-cors-headers' MIDDLEWARE entry, inside this layer"
        unit.evidence = (*unit.evidence, Evidence("library-inside", detail, found.corsheaders_inside))
        if "OPTIONS" not in module.source(node):
            # corsheaders answers the preflights it is handed, with Allow-Methods for the
            # origins it lists; this layer writes over them (see `build_policy`)
            unit.inner_preflight_origins = found.corsheaders_origins
    return unit
