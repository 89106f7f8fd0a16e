"""Whether corsheaders is wired in: its middleware in MIDDLEWARE (high enough), its app in
INSTALLED_APPS."""

from __future__ import annotations

from collections.abc import Iterator

from corslint.extractors.django.namespace import Namespace
from corslint.model import Evidence, Location, Value

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"
CORS_APPS = frozenset({"corsheaders", "corsheaders.apps.CorsHeadersAppConfig"})


def lists(value: Value | None, names: frozenset[str]) -> bool:
    if value is None or not value.known or not isinstance(value.raw, tuple):
        return False
    return any(item.known and item.raw in names for item in value.raw)


def wiring(namespace: Namespace, location: Location, configured: bool) -> Iterator[Evidence]:
    what = "the CORS settings have no effect" if configured else "corsheaders does nothing"
    middleware = namespace.settings.get("MIDDLEWARE")
    if middleware is None and "INSTALLED_APPS" not in namespace.settings:
        pass  # a fragment (django-split-settings component, CORS-only module): wiring unknown
    elif middleware is None:
        old = namespace.settings.get("MIDDLEWARE_CLASSES")
        if old is not None and lists(old.value, frozenset({CORS_MIDDLEWARE})):
            yield Evidence(
                "not-applied",
                f"`{CORS_MIDDLEWARE}` is listed in MIDDLEWARE_CLASSES, which Django ignores since 2.0; {what}",
                old.target,
            )
        else:
            yield Evidence(
                "not-applied", f"there is no MIDDLEWARE setting with `{CORS_MIDDLEWARE}`, so {what}", location
            )
    elif middleware.value.known and isinstance(middleware.value.raw, tuple):
        entries = [item for item in middleware.value.raw if item.known]
        names = [item.raw for item in entries]
        if CORS_MIDDLEWARE not in names:
            yield Evidence(
                "not-applied", f"`{CORS_MIDDLEWARE}` is not in MIDDLEWARE, so {what}", middleware.target
            )
        elif COMMON_MIDDLEWARE in names and names.index(CORS_MIDDLEWARE) > names.index(COMMON_MIDDLEWARE):
            entry = entries[names.index(CORS_MIDDLEWARE)]
            yield Evidence(
                "misordered",
                f"`{CORS_MIDDLEWARE}` comes after `{COMMON_MIDDLEWARE}` in MIDDLEWARE, so responses "
                "CommonMiddleware answers itself (APPEND_SLASH redirects) carry no CORS headers; "
                "place it as high as possible",
                entry.location,
            )
    apps = namespace.settings.get("INSTALLED_APPS")
    if (
        apps is not None
        and apps.value.known
        and isinstance(apps.value.raw, tuple)
        and not lists(apps.value, CORS_APPS)
    ):
        yield Evidence(
            "checks-disabled",
            "`corsheaders` is not in INSTALLED_APPS, so its system checks (malformed origins, "
            "wrong types) never run",
            apps.target,
        )
