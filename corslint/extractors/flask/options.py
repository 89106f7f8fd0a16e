"""The options a Flask-CORS call passes, resolved in its scope, and evidence on the names
and config keys the library ignores."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from corslint.extractors.flask.calls import call_arguments
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.defaulted_parameters import defaulted_parameter
from corslint.extractors.flask.imports import lookup
from corslint.extractors.python import PythonModule, Scope, seen_from
from corslint.extractors.python.flow import mutated_names
from corslint.extractors.python.options_objects import options_object
from corslint.frameworks.flask_cors import CONFIG_KEYS, OPTIONS
from corslint.model import Evidence, Location, Provenance, Value

# names people reach for that Flask-CORS silently ignores, and the option they meant
MISNAMED = {
    "origin": "origins",
    "allow_origins": "origins",
    "allowed_origins": "origins",
    "allow_origin": "origins",
    "cors_origins": "origins",
    "allow_credentials": "supports_credentials",
    "credentials": "supports_credentials",
    "support_credentials": "supports_credentials",
    "allow_methods": "methods",
    "allowed_methods": "methods",
    "headers": "allow_headers",
    "allowed_headers": "allow_headers",
    "expose": "expose_headers",
    "exposed_headers": "expose_headers",
    "maxage": "max_age",
}


def local_scope(module: PythonModule, collected: Collected, site: Site) -> Scope:
    """Names bound once in the enclosing function, resolved, so factories' locals are known."""
    names: dict[str, Value] = {}
    outer = collected.imports.get("", {})
    for name, qualified in collected.imports.get(site.scope, {}).items():
        if outer.get(name) == qualified:
            continue  # the module's own import: the resolver knows it
        found = lookup(module, qualified) if module.project is not None else None
        value = found[0].resolve_name(found[1]) if found is not None else None
        names[name] = (
            value
            if value is not None
            else Value(
                None,
                Location.point(module.path, site.position[0]),
                Provenance.UNKNOWN,
                description=f"{name} (imported from {qualified})",
            )
        )
    function = collected.functions.get(site.scope)
    changed = (
        frozenset().union(*(mutated_names(statement) for statement in function.body))
        if function is not None
        else frozenset()
    )
    for name, expressions in collected.locals.get(site.scope, {}).items():
        if name in changed:
            # `options["supports_credentials"] = True` after `options = {...}`: the value at the
            # call is the shared reader's, which follows the statements in between
            continue
        if function is not None and defaulted_parameter(function, name, function in module.tree.body):
            continue  # read at the call by the shared reader, from the function's callers
        if len(expressions) == 1:
            names[name] = module.resolve(expressions[0], Scope(dict(names)))
        else:
            # rebound or a parameter: it must not fall back to a module-level namesake
            names[name] = Value(
                None,
                Location.point(module.path, site.position[0]),  # replaced by the use site's
                Provenance.UNKNOWN,
                description=f"{name} (a local variable of {site.scope.split('@')[0].removeprefix('def ')}())",
            )
    return Scope(names)


def keyword_options(
    module: PythonModule, call: ast.Call, scope: Scope, skip_app: bool
) -> tuple[dict[str, Value], list[Evidence]]:
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for arg in call_arguments(call):
        if arg.star == "**":
            expanded = module.resolve(arg.value, scope)
            if expanded.known and isinstance(expanded.raw, dict):
                options.update({str(k): v for k, v in expanded.raw.items()})
                evidence += [
                    unknown_option(str(k), v.location) for k, v in expanded.raw.items() if k not in OPTIONS
                ]
                evidence += options_object(arg.value, expanded)
            else:
                options["**"] = Value(
                    None, module.location(arg.value), Provenance.UNKNOWN, description=module.source(arg.value)
                )
            continue
        if arg.keyword is None or (skip_app and arg.keyword == "app"):
            continue
        name = arg.keyword
        # a value defined in another module is reported here, where the call uses it
        options[name] = seen_from(
            _option_value(module, name, arg.value, scope), module, module.location(arg.value)
        )
        if name not in OPTIONS:
            evidence.append(unknown_option(name, _keyword_location(module, arg.node)))
    return options, evidence


def _keyword_location(module: PythonModule, node: ast.AST) -> Location:
    """The name of a `name=value` argument (ast's keyword spans the value too)."""
    start = module.location(node)
    length = len(node.arg) if isinstance(node, ast.keyword) and node.arg else 0
    return Location(module.path, start.line, start.column, start.line, start.column + length)


@dataclass(frozen=True)
class UnknownKey:
    """A resource pattern corslint cannot determine (`f"{plugin_prefix()}/*"`), kept as a
    key of the resources dict so the other patterns are still judged."""

    value: Value


def _resource_dict(module: PythonModule, node: ast.Dict, scope: Scope) -> Value:
    resolved = module.resolve(node, scope)
    if resolved.known or any(key is None for key in node.keys):
        return resolved
    raw: dict[object, Value] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        assert key_node is not None
        key = module.resolve(key_node, scope)
        known = key.known and isinstance(key.raw, str)
        raw[key.raw if known else UnknownKey(key)] = module.resolve(value_node, scope)
    return Value(raw, module.location(node))


def _option_value(module: PythonModule, name: str, node: ast.expr, scope: Scope) -> Value:
    if name == "resources" and isinstance(node, ast.Dict):
        return _resource_dict(module, node, scope)
    if name == "max_age" and isinstance(node, ast.Call):
        qualified = module.qualified_name(node.func) or ""
        if qualified in {"datetime.timedelta", "timedelta"}:
            return _timedelta(module, node, scope)
    return module.resolve(node, scope)


def _timedelta(module: PythonModule, call: ast.Call, scope: Scope) -> Value:
    """The library sends a timedelta max_age as its whole seconds, as a string."""
    units = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
    factors = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3}
    factors |= {"minutes": 60, "hours": 3600, "weeks": 604800}
    total = 0.0
    for index, arg in enumerate(call_arguments(call)):
        unit = arg.keyword if arg.keyword is not None else (units[index] if index < len(units) else "")
        amount = module.resolve(arg.value, scope)
        if unit not in factors or not amount.known or not isinstance(amount.raw, (int, float)):
            return module.unknown(call)
        total += amount.raw * factors[unit]
    return Value(str(int(total)), module.location(call))


def unknown_option(name: str, location: Location, config: bool = False) -> Evidence:
    meant = MISNAMED.get(name.lower())
    if meant is None:
        import difflib  # here: only a misspelt option needs it (1-2 ms of every worker's start)

        close = difflib.get_close_matches(name, sorted(OPTIONS), n=1, cutoff=0.75)
        meant = close[0] if close else None
    spelled = f"`{name}=`" if not config else f"`{name}`"
    hint = ""
    if meant is not None:
        hint = f" (did you mean `{meant}=`?)" if not config else f" (did you mean `CORS_{meant.upper()}`?)"
    fallback = (
        "it falls back to the default, which reflects every origin" if meant == "origins" else "it is ignored"
    )
    what = "a Flask-CORS option" if not config else "a config key Flask-CORS reads"
    return Evidence("unknown-option", f"{spelled} is not {what}{hint}; {fallback}", location)


def unknown_config(key: str, location: Location) -> Evidence:
    import difflib  # here: only a misspelt key needs it

    close = difflib.get_close_matches(key, sorted(CONFIG_KEYS), n=1, cutoff=0.8)
    meant = f" (did you mean `{close[0]}`?)" if close else ""
    fallback = "it is ignored"
    if close and close[0] == "CORS_ORIGINS":
        fallback = "it falls back to the default, which reflects every origin"
    elif close and close[0] == "CORS_ALLOW_HEADERS":
        # `CORS_HEADERS = "Content-Type"` is widely copied from old examples: say it is harmless
        fallback = "it is ignored: `allow_headers` decides (by default, every header a preflight asks for)"
    return Evidence(
        "unknown-option", f"`{key}` is not a config key Flask-CORS reads{meant}; {fallback}", location
    )
