"""A Tornado handler's `options(self)` that takes no path arguments, on routes whose
pattern captures some (Mop3D/hard-drive-robot web/api/Common.py: `BaseHandler.options(self)`
under `(r'/api/(.*)', ApiHandler)` in web/HDRobo-Desk.py).

Tornado hands each capture group of the route's pattern to the handler's method (`options(
"status")`, or by name for named groups; an optional group that matched nothing comes as
None), so an `options` taking only `self` raises TypeError and the preflight is answered
500, carrying the `set_default_headers` headers (measured with Tornado 6.6,
tests/test_differential_tornado_options_arguments.py). A pattern without capture groups
(`(?:...)` only) calls `options()` with none, and it answers as written.

Read where the routes are: tuples and `url(...)` / `URLSpec(...)` calls naming the handler,
or a handler below it that keeps its `options`, with a literal pattern, in the modules of
the project that name them. The preflights of the capturing routes are then answered 500
(options_status), and CORS206 names the `options` method as the cause."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import LEVELS, listing, modules_mentioning
from corslint.extractors.python_headers.unit import Function, Unit
from corslint.model import Evidence

ERROR_STATUS = 500  # Tornado's answer to an exception raised by the handler's method
_MAX_HANDLERS = 40
_ROUTE_CALLS = frozenset({"url", "URLSpec"})
_CLASS_HEAD = re.compile(
    r"^(?P<indent>[ \t]*)class[ \t]+(?P<name>\w+)[ \t]*\((?P<bases>[^)]*)\)[ \t]*:", re.M
)
_OPTIONS_DEF = re.compile(r"^[ \t]+def[ \t]+options[ \t]*\(", re.M)


def fail_argless_options(unit: Unit, context: ProjectContext) -> None:
    """Answer the unit's preflights 500 where Tornado hands its `options(self)` path
    arguments; the `options` phase then never answers."""
    if unit.kind != "tornado" or unit.role != "handler":
        return
    found = next(
        (
            (phase, phase.owner)
            for phase in unit.phases
            if phase.base == ("OPTIONS",) and phase.owner is not None
        ),
        None,
    )
    if found is None or not _takes_no_arguments(found[0].function):
        return
    phase, owner = found
    module = phase.module
    names = _family(module, owner, context)
    patterns = [pattern for pattern in _route_patterns(module, names, context) if _captures(pattern)]
    if not patterns:
        return
    listed = ", ".join(f"`{pattern}`" for pattern in dict.fromkeys(patterns))
    unit.phases = [p for p in unit.phases if p is not phase]
    unit.options_status = ERROR_STATUS
    unit.evidence = (
        *unit.evidence,
        Evidence(
            "preflight-throws",
            f"Tornado hands `{phase.function.name}()` the path arguments captured by "
            f"{_routes(patterns)} {listed}, and it takes none: a TypeError, answered {ERROR_STATUS}",
            module.location(phase.function),
        ),
    )


def _routes(patterns: list[str]) -> str:
    return "the routes" if len(set(patterns)) > 1 else "the route"


def _takes_no_arguments(function: Function) -> bool:
    arguments = function.args
    return (
        arguments.vararg is None
        and arguments.kwarg is None
        and not arguments.kwonlyargs
        and len(arguments.posonlyargs) + len(arguments.args) == 1
    )


def _family(module: PythonModule, owner: ast.ClassDef, context: ProjectContext) -> set[str]:
    """The handler's name and those of the handlers below it that keep its `options`."""
    names = {owner.name}
    pending = [owner.name]
    while pending and len(names) < _MAX_HANDLERS:
        name = pending.pop()
        parsed = [module, *modules_mentioning(module, context, name.encode())]
        for other in parsed:
            for node in ast.walk(other.tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in names
                    and any(dotted(base).rsplit(".", 1)[-1] == name for base in node.bases)
                    and not any(isinstance(f, ast.FunctionDef) and f.name == "options" for f in node.body)
                ):
                    names.add(node.name)
                    pending.append(node.name)
        for below in _unparsed_subclasses(module, name, {other.path for other in parsed}, context):
            if below not in names:
                names.add(below)
                pending.append(below)
    return names


def _unparsed_subclasses(
    module: PythonModule, name: str, parsed: set[str], context: ProjectContext
) -> list[str]:
    """Handlers below `name` in the project's modules Python 3 cannot parse, read from
    their text (Mop3D/hard-drive-robot's handler modules keep Python 2 `print` statements,
    run by a Tornado of that time, which calls `options` the same way)."""
    if module.project is None:
        return []
    found: list[str] = []
    for path in listing(project_root(module.path, LEVELS), context):
        if module.project.display_path(module.path, path) in parsed:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if name not in text or module.project.module_at(path) is not None:
            continue
        for head in _CLASS_HEAD.finditer(text):
            bases = [base.strip().rsplit(".", 1)[-1] for base in head["bases"].split(",")]
            if name in bases and not _OPTIONS_DEF.search(_class_body(text, head)):
                found.append(head["name"])
    return found


def _class_body(text: str, head: re.Match[str]) -> str:
    """The lines of the class the head opens: up to the next line indented no deeper."""
    indent = len(head["indent"].expandtabs())
    lines: list[str] = []
    for line in text[head.end() :].splitlines()[1:]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip()) <= indent:
            break
        lines.append(line)
    return "\n".join(lines)


def _route_patterns(module: PythonModule, names: set[str], context: ProjectContext) -> list[str]:
    """The literal patterns of the routes naming one of `names` as their handler."""
    patterns: list[str] = []
    seen: set[str] = set()
    for name in sorted(names):
        for other in [module, *_mentioning(module, context, name)]:
            if other.path in seen:
                continue
            seen.add(other.path)
            for node in ast.walk(other.tree):
                parts: list[ast.expr] = []
                if isinstance(node, ast.Tuple):
                    parts = node.elts
                elif isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] in _ROUTE_CALLS:
                    parts = node.args
                if (
                    len(parts) >= 2
                    and isinstance(parts[0], ast.Constant)
                    and isinstance(parts[0].value, str)
                    and dotted(parts[1]).rsplit(".", 1)[-1] in names
                ):
                    patterns.append(parts[0].value)
    return patterns


def _mentioning(module: PythonModule, context: ProjectContext, name: str) -> list[PythonModule]:
    """The modules naming `name`: the project's, else, for handlers in a folder with no
    project file (Mop3D's `web/api/`, routed from `web/HDRobo-Desk.py`), the linted
    folder's, whatever the working folder (`corslint /abs/path` reads as `corslint .` does)."""
    found = modules_mentioning(module, context, name.encode())
    if found:
        return found
    path = Path(module.real_path())
    linted = next((root for root in context.linted_folders if path.is_relative_to(root)), None)
    return modules_mentioning(module, context, name.encode(), root=linted) if linted is not None else []


def _captures(pattern: str) -> bool:
    try:
        return re.compile(pattern).groups > 0
    except re.error:
        return False
