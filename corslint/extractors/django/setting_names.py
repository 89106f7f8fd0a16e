"""Setting names the library does not read as written: deprecated aliases and misspellings."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Iterator
from pathlib import Path

from corslint.extractors.django.namespace import Namespace, Setting
from corslint.extractors.django.setting_words import setting_by_words
from corslint.extractors.django.syntax import DEFINITIONS
from corslint.extractors.python import PythonModule
from corslint.frameworks.django_cors import LEGACY, SETTINGS
from corslint.model import Evidence, Location

REMOVED_SETTINGS = frozenset({"CORS_MODEL", "CORS_REPLACE_HTTPS_REFERER"})
# Names other CORS libraries use, too far from the real setting for a spelling match.
MISNAMED = {
    "CORS_ALLOW_ALL": "CORS_ALLOW_ALL_ORIGINS",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ORIGIN_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGINS_REGEX": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_SUPPORTS_CREDENTIALS": "CORS_ALLOW_CREDENTIALS",
    # spelling a near-miss match would get wrong (it would suggest CORS_ORIGIN_ALLOW_ALL)
    "CORS_ORIGIN_ALLOWLIST": "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_REGEX_ALLOWLIST": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ALLOWED_ORIGINS_ALL": "CORS_ALLOW_ALL_ORIGINS",
}
# Names of other CORS libraries (Flask-CORS) or other Django settings (CSRF_TRUSTED_ORIGINS,
# ALLOWED_HOSTS) written for django-cors-headers. Projects also define such names for their
# own code, so they count only where corsheaders is visibly installed.
OTHER_NAMES = {
    "CORS_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_METHODS": "CORS_ALLOW_METHODS",
    "CORS_HEADERS": "CORS_ALLOW_HEADERS",
    "CORS_WHITELIST": "CORS_ALLOWED_ORIGINS",
    "CORS_TRUSTED_ORIGINS": "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOWED_HOSTS": "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOWED_DOMAINS": "CORS_ALLOWED_ORIGINS",
}
CORS_APP_NAMES = frozenset(
    {"corsheaders", "corsheaders.apps.CorsHeadersAppConfig", "corsheaders.middleware.CorsMiddleware"}
)


def deprecations(namespace: Namespace, entry_path: str) -> Iterator[Evidence]:
    """Deprecated aliases, where they are assigned; also in branches that do not run (an
    `if DEBUG:` off by default): the name is still the author's to fix."""
    for legacy, new in LEGACY.items():
        found = namespace.settings.get(legacy)
        reported: set[Location] = set()
        if found is not None:
            if namespace.applies_with(legacy, new, entry_path):
                detail = f"`{legacy}` is a deprecated alias and is ignored here, because `{new}` is also set"
            else:
                detail = f"`{legacy}` is a deprecated alias of `{new}`; rename it"
            reported.add(found.target)
            yield Evidence("deprecated-option", detail, found.target)
            for at in _assigned_elsewhere(namespace, legacy, found):
                if at not in reported:  # the same name in the module it is imported from
                    reported.add(at)
                    yield Evidence("deprecated-option", detail, at)
        for at in namespace.unrun.get(legacy, ()):
            if at not in reported:
                reported.add(at)
                yield Evidence(
                    "deprecated-option", f"`{legacy}` is a deprecated alias of `{new}`; rename it", at
                )


def _assigned_elsewhere(namespace: Namespace, name: str, found: Setting) -> Iterator[Location]:
    """Where another module of the project assigns the deprecated `name` whose value the
    settings take over by import (`from config.libraries.cors import CORS_ORIGIN_ALLOW_ALL`,
    then `CORS_ORIGIN_ALLOW_ALL = CORS_ORIGIN_ALLOW_ALL`: bobojonov-sobirjon/SafeCode-CRM
    config/settings.py:4-12 and config/libraries/cors.py): the name is spelt in both."""
    home = namespace.modules[0] if namespace.modules else None
    if home is None or home.project is None:
        return
    for at in found.value.related:
        if at.path == found.target.path or not at.path.endswith(".py"):
            continue
        other = home.project.module_at(Path(at.path))
        if other is None:
            continue
        for statement in other.tree.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            if isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            if any(isinstance(t, ast.Name) and t.id == name and other.location(t) == at for t in targets):
                yield at


def typos(namespace: Namespace) -> Iterator[Evidence]:
    """`CORS_ALLOWED_ORIGIN = [...]`: a near-miss of a real setting that the library never
    reads; also where a branch that does not run assigns it."""
    known = sorted(SETTINGS - REMOVED_SETTINGS)
    used: set[str] | None = None  # read only when there is a near-miss to report
    assigned = [(name, setting.target) for name, setting in namespace.settings.items()]
    assigned += [(name, at) for name, locations in namespace.unrun.items() for at in locations]
    reported: set[Location] = set()
    for name, target in assigned:
        meant = _misspelt_prefix(name, known)
        if (not name.startswith("CORS_") and meant is None) or name in SETTINGS or target in reported:
            continue
        import difflib  # here: only a CORS_ name the library does not know needs it

        if meant is not None:  # `CORE_ORIGIN_WHITELIST`: the prefix is misspelt
            close = [meant]
        elif name in MISNAMED:
            close = [MISNAMED[name]]
        elif name in OTHER_NAMES:
            close = [OTHER_NAMES[name]] if _corsheaders_installed(namespace) else []
        else:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
            if not close:  # `CORS_ORIGIN_ALLOW_HEADER`: every word of CORS_ALLOW_HEADERS is in it
                by_words = setting_by_words(name, (s for s in known if s not in LEGACY))
                close = [by_words] if by_words is not None else []
        if close and used is None:
            used = set().union(*(_referenced_names(module) for module in namespace.modules))
        if close and used is not None and name not in used:
            reported.add(target)
            yield Evidence(
                "unknown-option",
                f"`{name}` is not a django-cors-headers setting (did you mean `{close[0]}`?); the "
                "library never reads it, and the default of the setting meant applies",
                target,
            )


# misspellings of the `CORS_` prefix seen in real settings (`CORE_ORIGIN_WHITELIST`)
_PREFIX_TYPOS = ("CORE_", "CROS_", "COR_", "CORSS_", "CRS_", "COSR_")


def _misspelt_prefix(name: str, known: list[str]) -> str | None:
    """The setting meant by a name whose only mistake is its prefix."""
    for prefix in _PREFIX_TYPOS:
        if name.startswith(prefix) and (meant := "CORS_" + name[len(prefix) :]) in known:
            return meant
    return None


def _corsheaders_installed(namespace: Namespace) -> bool:
    return any(
        value.known
        and isinstance(value.raw, tuple)
        and any(item.known and item.raw in CORS_APP_NAMES for item in value.raw)
        for name in ("INSTALLED_APPS", "MIDDLEWARE")
        if (setting := namespace.settings.get(name)) is not None
        for value in setting.candidates()
    )


_REFERENCED: weakref.WeakKeyDictionary[PythonModule, frozenset[str]] = weakref.WeakKeyDictionary()
# PEP 695 type parameters (Python 3.12+)
_TYPE_PARAMETERS: tuple[type[ast.AST], ...] = tuple(
    getattr(ast, name) for name in ("TypeVar", "ParamSpec", "TypeVarTuple") if hasattr(ast, name)
)


def _referenced_names(module: PythonModule) -> frozenset[str]:
    """Every identifier in the module outside `=` targets: names read, attributes, keyword
    arguments, imports, definitions, parameters (a CORS_* name used so is no typo)."""
    cached = _REFERENCED.get(module)
    if cached is not None:
        return cached
    names: set[str] = set()
    stack: list[ast.AST] = [module.tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
            continue
        if isinstance(node, ast.Assign):
            stack.append(node.value)  # not the targets: an assignment is no use
            continue
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, DEFINITIONS):
            names.add(node.name)
        elif isinstance(node, (ast.arg, ast.keyword)) and node.arg is not None:
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            if node.name != "*":
                names.update(node.name.split("."))
            if node.asname is not None:
                names.add(node.asname)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(node.module.split("."))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, ast.MatchClass):
            names.update(node.kwd_attrs)
        elif isinstance(node, _TYPE_PARAMETERS):
            names.add(getattr(node, "name", ""))
        stack.extend(ast.iter_child_nodes(node))
    found = _REFERENCED[module] = frozenset(names)
    return found
