"""Whether corsheaders is wired in: its middleware in MIDDLEWARE (high enough), its app in
INSTALLED_APPS."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from corslint.extractors.development_paths import is_test_path
from corslint.extractors.django.namespace import Namespace
from corslint.model import Evidence, Location, Value

CORS_MIDDLEWARE = "corsheaders.middleware.CorsMiddleware"
COMMON_MIDDLEWARE = "django.middleware.common.CommonMiddleware"
CORS_APPS = frozenset({"corsheaders", "corsheaders.apps.CorsHeadersAppConfig"})
# settings only a module Django loads as its settings holds: one without any of them is a
# component another settings module imports (blind set 23: archon1999/keenuz
# core/settings/installed_apps.py, imported by name into a settings class)
_PROJECT_SETTINGS = frozenset(
    {"SECRET_KEY", "ROOT_URLCONF", "DATABASES", "WSGI_APPLICATION", "ASGI_APPLICATION"}
)


def lists(value: Value | None, names: frozenset[str]) -> bool:
    if value is None or not value.known or not isinstance(value.raw, tuple):
        return False
    return any(item.known and item.raw in names for item in value.raw)


def wiring(
    namespace: Namespace, location: Location, configured: bool, first_setting: Location | None = None
) -> Iterator[Evidence]:
    """`first_setting`: where the first CORS setting is written; when corsheaders is in
    neither MIDDLEWARE nor INSTALLED_APPS, that setting is what has no effect."""
    what = "the CORS settings have no effect" if configured else "corsheaders does nothing"
    middleware = namespace.settings.get("MIDDLEWARE")
    apps = namespace.settings.get("INSTALLED_APPS")
    uninstalled = apps is not None and all(
        value.known and isinstance(value.raw, tuple) and not lists(value, CORS_APPS)
        for value in apps.candidates()
    )
    if middleware is None and not _PROJECT_SETTINGS & namespace.settings.keys():
        # a fragment (django-split-settings component, CORS-only module, an INSTALLED_APPS
        # module the settings import by name): wiring unknown
        pass
    elif middleware is None:
        old = namespace.settings.get("MIDDLEWARE_CLASSES")
        if old is not None and lists(old.value, frozenset({CORS_MIDDLEWARE})):
            yield Evidence(
                "not-applied",
                f"`{CORS_MIDDLEWARE}` is listed in MIDDLEWARE_CLASSES, which Django ignores since 2.0; {what}",
                old.target,
                whole_layer=True,
            )
        else:
            yield Evidence(
                "not-applied-on-purpose" if is_test_path(location.path) else "not-applied",
                f"there is no MIDDLEWARE setting with `{CORS_MIDDLEWARE}`, so {what}",
                location,
                whole_layer=True,
            )
    else:
        verdicts = {_order(value) for value in middleware.candidates()}
        verdict = verdicts.pop() if len(verdicts) == 1 else None
        if (
            verdict == "missing"
            and apps is not None
            and uninstalled
            and configured
            and first_setting is not None
        ):
            yield Evidence(
                "not-applied",
                f"`corsheaders` is neither in INSTALLED_APPS ({_where(apps.target, first_setting)}) nor in "
                f"MIDDLEWARE ({_where(middleware.target, first_setting)}): django-cors-headers is not used, "
                "so this setting and the other CORS settings have no effect",
                first_setting,
                whole_layer=True,
            )
            # the lists to add corsheaders to, named beside the setting that has no effect
            yield Evidence(
                "wiring-site", "MIDDLEWARE, which lacks `corsheaders`, is set here", middleware.target
            )
            yield Evidence(
                "wiring-site", "INSTALLED_APPS, which lacks `corsheaders`, is set here", apps.target
            )
            return
        if verdict == "missing":
            removed = _removed_here(namespace, middleware.target)
            yield Evidence(
                "not-applied-on-purpose" if removed or is_test_path(location.path) else "not-applied",
                f"`{CORS_MIDDLEWARE}` is {'taken out of' if removed else 'not in'} MIDDLEWARE, so {what}",
                middleware.target,
                whole_layer=True,
            )
        elif verdict == "misordered":
            entry = _cors_entry(middleware.value) or _cors_entry(middleware.candidates()[0])
            yield Evidence(
                "misordered",
                f"`{CORS_MIDDLEWARE}` comes after `{COMMON_MIDDLEWARE}` in MIDDLEWARE, so responses "
                "CommonMiddleware answers itself (APPEND_SLASH redirects) carry no CORS headers; "
                "place it as high as possible",
                entry.location if entry is not None else middleware.target,
            )
    if apps is not None and uninstalled:
        yield Evidence(
            "checks-disabled",
            "`corsheaders` is not in INSTALLED_APPS, so its system checks (malformed origins, "
            "wrong types) never run",
            apps.target,
        )


def _where(target: Location, seen_from: Location) -> str:
    """`line 46`, or `settings/base.py:46` when the list is in another settings module."""
    return f"line {target.line}" if target.path == seen_from.path else f"{target.path}:{target.line}"


def _removed_here(namespace: Namespace, target: Location) -> bool:
    """Whether the MIDDLEWARE assignment at `target` names CorsMiddleware and yet leaves it
    out: a settings module (for tests, say) that takes the middleware out on purpose."""
    for module in namespace.modules:
        if module.path != target.path:
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr)) and node.lineno == target.line:
                return any(
                    isinstance(item, ast.Constant) and item.value == CORS_MIDDLEWARE
                    for item in ast.walk(node)
                )
    return False


def _order(value: Value) -> str | None:
    """What one possible MIDDLEWARE value says: "missing", "misordered", "ok", or None
    when it cannot tell (the list, or an entry that could be either middleware, unknown)."""
    if not value.known or not isinstance(value.raw, tuple):
        return None
    names = [item.raw if item.known else None for item in value.raw]
    if CORS_MIDDLEWARE not in names:
        return None if None in names else "missing"
    cors = names.index(CORS_MIDDLEWARE)
    if COMMON_MIDDLEWARE not in names or names.index(COMMON_MIDDLEWARE) > cors:
        return "ok"
    # an unknown entry before CommonMiddleware could be a first CorsMiddleware
    return None if None in names[: names.index(COMMON_MIDDLEWARE)] else "misordered"


def _cors_entry(value: Value) -> Value | None:
    if not value.known or not isinstance(value.raw, tuple):
        return None
    return next((item for item in value.raw if item.known and item.raw == CORS_MIDDLEWARE), None)
