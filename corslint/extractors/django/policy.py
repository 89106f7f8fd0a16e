"""The policy of one leaf settings module, with the evidence its settings give."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from corslint.extractors.django.cors_version import pinned_before_new_names
from corslint.extractors.django.entry_points import EntryPoint
from corslint.extractors.django.fork_package import FORK, FORK_MODEL, without_unread_names
from corslint.extractors.django.module_paths import module_key, real_path
from corslint.extractors.django.namespace import Namespace
from corslint.extractors.django.routes import url_scan
from corslint.extractors.django.setting_names import deprecations, typos
from corslint.extractors.django.url_regex import scope_of, unscoped_routes
from corslint.extractors.django.wiring import CORS_APPS, CORS_MIDDLEWARE, lists, wiring
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.drf_authentication import token_classes
from corslint.extractors.python.pydantic_version import declared_major
from corslint.frameworks.django_cors import ALIASES, SETTINGS, VERSION_OPTION
from corslint.model import CorsPolicy, Evidence, Location, Provenance, Value


def build_policy(entry: EntryPoint, namespace: Namespace) -> CorsPolicy | None:
    leaf = entry.module
    options = {name: setting.value for name, setting in namespace.settings.items() if name in SETTINGS}
    mentions = any(
        lists(value, CORS_APPS | {CORS_MIDDLEWARE})
        for name in ("INSTALLED_APPS", "MIDDLEWARE")
        if (setting := namespace.settings.get(name)) is not None
        for value in setting.candidates()
    )
    if not options and not mentions:
        return None
    location = Location.point(leaf.path, 1)
    configuration = _configuration_class(entry)
    if configuration is not None:
        location = leaf.location(configuration)
        location = Location.point(location.path, location.line, location.column)
    pinned = declared_major(leaf.path, "django-cors-headers")
    if pinned is None and declared_major(leaf.path, FORK) is not None:
        pinned = FORK_MODEL  # the fork reads corsheaders 1.x's names only, as before 3.0
    options = without_unread_names(options, pinned)
    if pinned is not None:  # the model differs before 3.0 (host-only allow-list entries)
        options[VERSION_OPTION] = Value(pinned, location, Provenance.LITERAL, description="the pinned major")
    evidence = [
        # before 3.5 the legacy names are the library's only names: nothing to rename
        *(deprecations(namespace, leaf.path) if _renamable(pinned, leaf.path) else ()),
        *wiring(namespace, location, bool(options), _first_setting(namespace, options)),
        *typos(namespace),
        *_bearer_auth(namespace),
    ]
    if not any(e.kind == "unknown-option" for e in evidence):  # a misspelt name says it already
        evidence.extend(_no_origin_setting(namespace, options))
    scan = url_scan(leaf, namespace)
    routes = tuple(scan.routes) if scan is not None and scan.routes else None
    evidence.extend(_shadowed(options, namespace, leaf.path))
    if scan is not None and scan.complete:
        evidence.extend(unscoped_routes(options.get("CORS_URLS_REGEX"), scan.paths))
    scope, probe_path = scope_of(options.get("CORS_URLS_REGEX"))
    return CorsPolicy(
        framework="django",
        location=location,
        options=options,
        routes=routes,
        evidence=tuple(evidence),
        # a literal `DEBUG = True` does not make the module development-only: RULES.md
        # names files and folders named so, and blocks guarded by a DEBUG check
        development_only=entry.development_only or _origins_for_development(namespace, options),
        label=_label(entry),
        scope=scope,
        probe_path=probe_path,
        # one request pipeline per entry point
        app=f"django:{module_key(leaf)}{_branches(entry)}{':' + entry.configuration if entry.configuration else ''}",
    )


def _renamable(pinned: int | None, path: str) -> bool:
    """Whether the pinned release reads the new names (from 3.5.0 on; a 3.0-3.4 pin does not)."""
    if pinned is not None and pinned < 3:
        return False
    return pinned != 3 or not pinned_before_new_names(path)


def _configuration_class(entry: EntryPoint) -> ast.ClassDef | None:
    """The django-configurations class an entry point runs, where its policy is located."""
    for statement in entry.module.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == entry.configuration:
            return statement
    return None


def _label(entry: EntryPoint) -> str:
    if entry.configuration:
        return f"configuration {_dotted_name(entry.module)}.{entry.configuration}"
    if entry.choices and entry.selected is not None:
        return f"settings module {_dotted_name(entry.module)} (selecting {_dotted_name(entry.selected)})"
    if entry.choices:
        return f"settings module {_dotted_name(entry.module)} ({_branches(entry).strip()})"
    return f"settings module {_dotted_name(entry.module)}"


def _branches(entry: EntryPoint) -> str:
    taken = ", ".join(
        f"line {line}: {'if' if branch == 0 else 'else'}" for (_, line, _), branch in entry.choices
    )
    return f" [{taken}]" if taken else ""


def _effective(options: dict[str, Value], name: str) -> tuple[str, Value] | None:
    if name in options:
        return name, options[name]
    legacy = ALIASES.get(name)
    return (legacy, options[legacy]) if legacy in options else None


def _shadowed(options: dict[str, Value], namespace: Namespace, entry_path: str) -> Iterator[Evidence]:
    """An allow-list next to allow-all: the library never consults it (reported where it
    holds for every entry point that uses the allow-list)."""
    allow_all = _effective(options, "CORS_ALLOW_ALL_ORIGINS")
    if allow_all is None or not allow_all[1].known or not allow_all[1].raw:
        return
    if allow_all[1].raw is True and allow_all[1].env_vars:
        return  # a boolean on while a variable is unset: setting it puts the allow-list to work
    for setting in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        found = _effective(options, setting)
        # an allow-list read from the environment is as unused as a literal one
        if (
            found is not None
            and (found[1].raw or not found[1].known)
            and namespace.applies_with(found[0], allow_all[0], entry_path)
        ):
            whatever = "" if found[1].known else ", whatever it holds"
            # allow-all switched on in a development settings module over the list: on purpose
            deliberate = is_development_path(allow_all[1].location.path)
            yield Evidence(
                "not-applied-on-purpose" if deliberate else "not-applied",
                f"`{found[0]}` has no effect{whatever}: `{allow_all[0]}` is on, so every origin is allowed",
                found[1].location,
            )


def _first_setting(namespace: Namespace, options: dict[str, Value]) -> Location | None:
    targets = [namespace.settings[name].target for name in options if name in namespace.settings]
    return min(targets, key=lambda target: (target.path, target.line, target.column), default=None)


def _bearer_auth(namespace: Namespace) -> Iterator[Evidence]:
    """`REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` naming a token scheme."""
    found = namespace.settings.get("REST_FRAMEWORK")
    for entry in token_classes(found.value if found is not None else None)[:1]:
        name = str(entry.raw).rsplit(".", 1)[-1]
        yield Evidence("bearer-auth", f"Django REST framework's {name}", entry.location)


def _dotted_name(module: PythonModule) -> str:
    """`config/settings/production.py` -> `config.settings.production`, by package markers."""
    file = Path(module.path)
    parts = [file.stem] if file.stem != "__init__" else []
    directory = real_path(module, module.path).parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or file.stem


# the allow-lists under their current and deprecated names
_ORIGIN_LISTS = frozenset(
    {
        "CORS_ALLOWED_ORIGINS",
        "CORS_ALLOWED_ORIGIN_REGEXES",
        *(ALIASES.get(n, "") for n in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES")),
    }
) - {""}
# and the allow-all switch: the settings that say which origins are admitted
ORIGIN_SETTINGS = _ORIGIN_LISTS | {"CORS_ALLOW_ALL_ORIGINS", ALIASES["CORS_ALLOW_ALL_ORIGINS"]}


def _origins_for_development(namespace: Namespace, options: dict[str, Value]) -> bool:
    """Every origin setting is bound in the development arm of an `if DEBUG:` that DEBUG's
    default decided (1103753960wjm-creator/AutoTest backend/settings.py, census 6 sample 103),
    or in a file named for development (`settings/local.py` a package's `__init__.py`
    star-imports: reznov11/bakementor, set 22; RULES.md names the file, not the entry point)."""
    origins = [name for name in options if name in _ORIGIN_LISTS]
    return bool(origins) and all(
        name in namespace.development or is_development_path(options[name].location.path) for name in origins
    )


NO_ORIGIN_SETTING = "no origin setting"


def _no_origin_setting(namespace: Namespace, options: dict[str, Value]) -> Iterator[Evidence]:
    """CORS settings beside a wired CorsMiddleware, and none says which origins: its
    defaults (empty lists, allow-all off) admit none, so no cross-origin request succeeds
    (census 6 sample 173, 1400720231/djmq djmq/settings.py). Not said when a setting may be
    bound where evaluation does not look (a skipped `from .local_settings import *`)."""
    if namespace.incomplete or any(n in options for n in ORIGIN_SETTINGS):
        return
    # only `CORS_URLS_REGEX` (cookiecutter-django's base settings): no sign of a cross-origin
    # caller yet, the app is served same-origin until one is added
    if not set(options) - {"CORS_URLS_REGEX", VERSION_OPTION}:
        return
    middleware = namespace.settings.get("MIDDLEWARE")
    if middleware is None or not all(
        lists(value, frozenset({CORS_MIDDLEWARE})) for value in middleware.candidates()
    ):
        return
    first = _first_setting(namespace, options)
    if first is None:
        return
    yield Evidence(
        "not-applied",
        f"{NO_ORIGIN_SETTING} (`CORS_ALLOWED_ORIGINS`, `CORS_ALLOWED_ORIGIN_REGEXES` or "
        "`CORS_ALLOW_ALL_ORIGINS`) is set, and their defaults admit no origin: the middleware "
        "answers no cross-origin request, so these CORS settings have no effect",
        first,
        whole_layer=True,
    )
