"""The policy of one leaf settings module, with the evidence its settings give."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corslint.extractors.django.entry_points import EntryPoint
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
    pinned = declared_major(leaf.path, "django-cors-headers")
    if pinned is not None:  # the model differs before 3.0 (host-only allow-list entries)
        options[VERSION_OPTION] = Value(pinned, location, Provenance.LITERAL, description="the pinned major")
    evidence = [
        # before 3.0 the legacy names are the library's only names: nothing to rename
        *(deprecations(namespace, leaf.path) if pinned is None or pinned >= 3 else ()),
        *wiring(namespace, location, bool(options), _first_setting(namespace, options)),
        *typos(namespace),
        *_bearer_auth(namespace),
    ]
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
        development_only=entry.development_only,
        label=_label(entry),
        scope=scope,
        probe_path=probe_path,
        app=f"django:{module_key(leaf)}{_branches(entry)}",  # one request pipeline per entry point
    )


def _label(entry: EntryPoint) -> str:
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
