"""Arguments an options factory was called with, for the functions it builds: `obtCorsOpt(
allowedOrigins)` returning `{ origin(origin, cb) { if (allowedOrigins.includes(origin)) ... } }`,
called as `cors(obtCorsOpt(["http://localhost:3000", ...]))` (githubmlopez/apiQuiniela
`src/Middle/corsOption.ts`, `src/app.ts`).

`options_factories` records what each call hands the factory's parameters; an origin function
inside the factory then reads a parameter as that argument. A factory called with different
arguments at different places leaves its parameters unknown, as before."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.syntax import Node
from corslint.model import Value

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)


def _key(module: Any, function: Node) -> tuple[str, int, bytes]:
    return (str(module.file or module.path), function.start_byte, function.text or b"")


def _calls(module: Any) -> dict[tuple[str, int, bytes], dict[str, list[Value]]]:
    """The run's record (the factory's file, place and text -> parameter -> the values it
    was called with), kept by the project so that no run sees another's calls."""
    project = module.project
    return project.factory_calls if project is not None else {}


def record_call(home: Any, factory: Node, arguments: dict[str, Value]) -> None:
    seen = _calls(home).setdefault(_key(home, factory), {})
    for name, value in arguments.items():
        values = seen.setdefault(name, [])
        if all(value.raw != other.raw for other in values):
            values.append(value)


def call_site_argument(module: Any, text: str, node: Node) -> Value | None:
    """The one argument the factory around `node` (a read of its parameter `text`) was
    called with; None when no factory around it was called, or called with several."""
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            values = _calls(module).get(_key(module, parent), {}).get(text)
            if values is not None:
                return values[0] if len(values) == 1 and values[0].known else None
        parent = parent.parent
    return None
