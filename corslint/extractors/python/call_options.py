"""A constructor call's arguments read as options by their parameter names, for the
libraries configured by one call (CORSMiddleware, CORSConfig, ResourceOptions, ...)."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping

from corslint.extractors.python.module import PythonModule, seen_from
from corslint.model import Evidence, Location, Provenance, Value


def read_arguments(module: PythonModule, call: ast.Call, positional: tuple[str, ...]) -> dict[str, Value]:
    """Each argument under the parameter it binds; `**mapping` expanded when it resolves,
    else kept as the unknown `**` (every absent option then reads as unknown)."""
    options: dict[str, Value] = {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            options["*"] = Value(
                None, module.location(arg), Provenance.UNKNOWN, description=module.source(arg)
            )
            break
        if index < len(positional):
            options[positional[index]] = seen_from(module.resolve(arg), module, module.location(arg))
    for keyword in call.keywords:
        if keyword.arg is not None:
            # a value defined in another module is reported here, where the call uses it
            options[keyword.arg] = seen_from(
                module.resolve(keyword.value), module, module.location(keyword.value)
            )
            continue
        expanded = module.resolve(keyword.value)
        if expanded.known and isinstance(expanded.raw, dict):
            options.update(expanded_options(module, expanded, module.location(keyword.value)))
        else:
            why = expanded.description or module.source(keyword.value)
            options["**"] = Value(None, module.location(keyword.value), Provenance.UNKNOWN, description=why)
    return options


def expanded_options(module: PythonModule, mapping: Value, use: Location) -> dict[str, Value]:
    """The options a resolved `**mapping` holds, each located at `use` when defined in
    another file, except in the file that holds the dict itself (see `_options_home`)."""
    homes = _options_homes(module, mapping)
    return {
        str(key): value if value.location.path in homes else seen_from(value, module, use)
        for key, value in mapping.raw.items()
    }


def _options_homes(module: PythonModule, mapping: Value) -> frozenset[str]:
    """The other project modules a `**options` dict came through (`cors_options` in
    config/cors.py): that dict is the CORS configuration, reported at its own lines."""
    return frozenset(
        location.path for location in (mapping.location, *mapping.related) if location.path != module.path
    )


def keyword_locations(module: PythonModule, call: ast.Call) -> dict[str, Location]:
    """Where each `name=` of the call is written: a misspelt keyword is reported there,
    wherever its value comes from (a TOML file's value keeps its own line)."""
    return {keyword.arg: module.location(keyword) for keyword in call.keywords if keyword.arg is not None}


def unknown_options(
    options: Mapping[str, Value],
    parameters: Collection[str],
    owner: str,
    written_at: Mapping[str, Location] | None = None,
) -> Iterator[Evidence]:
    """Keywords the constructor does not take: the app then fails to start. Each is
    located at its `name=` when `written_at` knows it, else at its value."""
    for name, value in options.items():
        if name in parameters or name in ("*", "**"):
            continue
        import difflib  # only for a misspelt name: a run with none never pays for it

        close = difflib.get_close_matches(name, sorted(parameters), n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}=`?)" if close else ""
        yield Evidence(
            "unknown-option",
            f"`{name}=` is not a {owner} argument{hint}; the app fails to start "
            "with `TypeError: ... got an unexpected keyword argument`",
            (written_at or {}).get(name, value.location),
        )


def arms(module: PythonModule, node: ast.AST) -> str:
    """The arms of the `if`s and `match`es around `node`, outermost first (`model.exclusive_arms`)."""
    found: list[str] = []
    for step in module.steps(node):
        owner = step.owner
        if isinstance(owner, ast.If):
            found.append(f"{'if' if step.block is owner.body else 'else'}@{owner.lineno}")
        elif isinstance(owner, ast.Match):
            number = next(i for i, case in enumerate(owner.cases) if case.body is step.block)
            found.append(f"case{number}@{owner.lineno}")
    return "/".join(found)
