"""An origin chooser: a function handed the request that returns the configured origin
equal to the request's Origin, and a fixed one (the first configured) for any other:

    def origin(hosts):
        def func(environ):
            loc = environ.get("HTTP_ORIGIN")
            for split in hosts:
                if urlsplit(loc) == split:
                    return urljoin(*split)
            return urljoin(*hosts[0])
        return func

    headers.add("Access-Control-Allow-Origin", self.origin(environ))

Seen in isso-comments/isso (isso/wsgi.py: `CORSMiddleware(app, origin=origin(hosts))`,
built with `functools.partial` in isso/__init__.py). The value sent is the Origin where
the list admits it (`ALLOWED`, the list being the guard) and the fallback elsewhere. The
chooser is a method or function the call reaches, or (`self.origin(environ)` of a
callable the constructor took) what the project constructs the class with."""

from __future__ import annotations

import ast
from dataclasses import replace

from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import project_root, python_files
from corslint.extractors.python_headers.callees import callee_of
from corslint.extractors.python_headers.frame import Alternative, Frame, Read, Steps, dotted
from corslint.extractors.python_headers.request_reads import REFERER_OR_ORIGIN, read_of
from corslint.model import FunctionValue, Value

Function = ast.FunctionDef | ast.AsyncFunctionDef
_PARTIALS = frozenset({"functools.partial", "partial"})


def chosen_origin(
    frame: Frame, steps: Steps, call: ast.Call, owner: ast.ClassDef | None
) -> list[Alternative] | None:
    """The origin a chooser called with the request returns, or None: not a chooser."""
    position = next((i for i, arg in enumerate(call.args) if frame.is_request(arg)), None)
    if position is None or call.keywords:
        return None
    found = _chooser(frame.module, call, owner)
    if found is None:
        return None
    module, function = found
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if names and names[0] in {"self", "cls"}:
        names = names[1:]
    if position >= len(names):
        return None
    inner = replace(frame, module=module, requests=frozenset({names[position]}), values={})
    shape = _shape(inner, function)
    if shape is None:
        return None
    listed, fallbacks, plain = shape
    source = f"chooser:{module.path}:{function.lineno}"
    if steps.guard is not None and steps.guard_source != source:
        return None  # a second allow-list test in the same layer: not one guard
    steps.guard, steps.guard_match, steps.guard_source = _listed(module, listed, plain), "equal", source
    return [
        Alternative(("ALLOWED",), Read("origin")),
        Alternative(("!ALLOWED",), _fallback(module, fallbacks, listed)),
    ]


def _listed(module: PythonModule, listed: ast.expr, plain: bool) -> Value:
    """The allow-list: known where it is a literal list of strings compared as written."""
    value = module.resolve(listed)
    if (
        plain
        and value.known
        and isinstance(value.raw, tuple)
        and all(item.known and isinstance(item.raw, str) for item in value.raw)
    ):
        return Value(FunctionValue("allow-list", value.raw), value.location, value.provenance, value.env_var)
    return module.unknown(listed)


def _fallback(module: PythonModule, returned: list[ast.expr], listed: ast.expr) -> Value:
    """What the chooser returns for an origin the list does not admit: one known value,
    or unknown (the list's first entry, a placeholder for an empty list), said where the
    list is, as it comes from the same configuration."""
    values = [module.resolve(node) for node in returned]
    if values and all(v.known and v.raw == values[0].raw for v in values):
        return values[0]
    first = next((node for node, value in zip(returned, values, strict=True) if not value.known), returned[0])
    return replace(module.unknown(first), location=module.location(listed))


def _shape(frame: Frame, function: Function) -> tuple[ast.expr, list[ast.expr], bool] | None:
    """(the list, the fallbacks returned, whether the Origin is compared as sent): one
    top-level `for entry in LIST:` whose body is `if <Origin> == <entry>: return <entry>`;
    every other `return` names no Origin read."""
    origin_names: set[str] = set()
    loop: ast.For | None = None
    for statement in function.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            read = read_of(frame, statement.value)
            if read is not None and read.source in {"origin", REFERER_OR_ORIGIN}:
                origin_names.add(dotted(statement.targets[0]))
        if isinstance(statement, ast.For) and _matching_return(statement, origin_names):
            if loop is not None:
                return None
            loop = statement
    if loop is None:
        return None
    matched = loop.body[0]
    fallbacks: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not function:
            return None
        if isinstance(node, ast.Return) and not _inside(node, matched):
            if node.value is None or _names(node.value) & origin_names or _reads_request(frame, node.value):
                return None
            fallbacks.append(node.value)
    if not fallbacks:
        return None
    compare = matched.test if isinstance(matched, ast.If) else None
    plain = isinstance(compare, ast.Compare) and all(
        isinstance(side, ast.Name) for side in (compare.left, *compare.comparators)
    )
    return loop.iter, fallbacks, plain


def _matching_return(loop: ast.For, origin_names: set[str]) -> bool:
    """`if urlsplit(loc) == entry: return urljoin(*entry)` alone in the loop's body."""
    entry = loop.target.id if isinstance(loop.target, ast.Name) else ""
    if not entry or not origin_names or len(loop.body) != 1 or not isinstance(loop.body[0], ast.If):
        return False
    test = loop.body[0]
    if test.orelse or len(test.body) != 1 or not isinstance(test.body[0], ast.Return):
        return False
    compare = test.test
    if not (
        isinstance(compare, ast.Compare)
        and len(compare.ops) == 1
        and isinstance(compare.ops[0], ast.Eq)
        and test.body[0].value is not None
    ):
        return False
    sides = [_names(compare.left), _names(compare.comparators[0])]
    compared = any(a & origin_names and entry in b and not b & origin_names for a, b in (sides, sides[::-1]))
    return compared and _is_entry(test.body[0].value, entry)


def _is_entry(node: ast.expr, entry: str) -> bool:
    """The entry itself, or put back together from its parts (`urljoin(*split)`): not a
    value looked up by it (`TARGETS[entry]`), which need not be the Origin."""
    if isinstance(node, ast.Name):
        return node.id == entry
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        argument = node.args[0]
        inner = argument.value if isinstance(argument, ast.Starred) else argument
        return isinstance(inner, ast.Name) and inner.id == entry
    return False


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _reads_request(frame: Frame, node: ast.expr) -> bool:
    return any(frame.is_request(n) for n in ast.walk(node) if isinstance(n, ast.Name))


def _inside(node: ast.AST, container: ast.AST) -> bool:
    return any(node is inner for inner in ast.walk(container))


# -- which function the call reaches ------------------------------------------------------
def _chooser(
    module: PythonModule, call: ast.Call, owner: ast.ClassDef | None
) -> tuple[PythonModule, Function] | None:
    callee = callee_of(module, call, owner)
    if callee is not None:
        return callee.module, callee.function
    func = call.func
    if owner is None or not (isinstance(func, ast.Attribute) and dotted(func.value) == "self"):
        return None
    parameter = _constructor_parameter(owner, func.attr)
    if parameter is None:
        return None
    reached = {
        (id(found[1]), found)
        for site, argument in _construction_arguments(module, owner, *parameter)
        if (found := _function_of(site, argument)) is not None
    }
    chooser = {key: found for key, found in reached}
    return next(iter(chooser.values())) if len(chooser) == 1 else None


def _constructor_parameter(owner: ast.ClassDef, attribute: str) -> tuple[str, int] | None:
    """(name, position) of the `__init__` parameter stored as `self.<attribute>`."""
    init = next(
        (s for s in owner.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"),
        None,
    )
    if init is None:
        return None
    names = [a.arg for a in init.args.args][1:]
    for statement in init.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and dotted(statement.targets[0]) == f"self.{attribute}"
            and isinstance(statement.value, ast.Name)
            and statement.value.id in names
        ):
            return statement.value.id, names.index(statement.value.id)
    return None


def _construction_arguments(
    module: PythonModule, owner: ast.ClassDef, parameter: str, position: int
) -> list[tuple[PythonModule, ast.expr]]:
    """What the project hands the constructor's `parameter`: in `Owner(...)` and in
    `functools.partial(Owner, ...)`."""
    found: list[tuple[PythonModule, ast.expr]] = []
    for site, call in module.call_sites(owner):
        argument = _argument(call.args, call.keywords, parameter, position)
        if isinstance(site, PythonModule) and argument is not None:
            found.append((site, argument))
    for site in _modules_naming(module, owner.name.encode()):
        for call in site.calls:
            if site.qualified_name(call.func) not in _PARTIALS or not call.args:
                continue
            if not _names_class(site, call.args[0], module, owner):
                continue
            argument = _argument(call.args[1:], call.keywords, parameter, position)
            if argument is not None:
                found.append((site, argument))
    return found


def _argument(
    args: list[ast.expr], keywords: list[ast.keyword], parameter: str, position: int
) -> ast.expr | None:
    for keyword in keywords:
        if keyword.arg == parameter:
            return keyword.value
    if position < len(args) and not any(isinstance(a, ast.Starred) for a in args[: position + 1]):
        return args[position]
    return None


def _modules_naming(module: PythonModule, name: bytes) -> list[PythonModule]:
    """The project's modules whose text names `name` and `partial`."""
    project = module.project
    if project is None:
        return []
    found: list[PythonModule] = []
    for path in python_files(project_root(module.path)):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if name in data and b"partial" in data:
            loaded = project.module_at(path, project.display_path(module.path, path))
            if loaded is not None:
                found.append(loaded)
    return found


def _names_class(site: PythonModule, node: ast.expr, module: PythonModule, owner: ast.ClassDef) -> bool:
    if site.path == module.path:
        return dotted(node) == owner.name
    qualified = site.qualified_name(node)
    target = site.import_target(qualified) if qualified and "." in qualified else None
    return target is not None and target[0].path == module.path and target[1] == owner.name


def _function_of(site: PythonModule, argument: ast.expr) -> tuple[PythonModule, Function] | None:
    """The function an argument is: a project function, or the inner function a project
    function returns (`origin(hosts)` returning its `func`)."""
    if isinstance(argument, ast.Call):
        made = _function_named(site, argument.func)
        if made is None:
            return None
        made_module, factory = made
        last = factory.body[-1] if factory.body else None
        if not (isinstance(last, ast.Return) and isinstance(last.value, ast.Name)):
            return None
        inner = next(
            (s for s in factory.body if isinstance(s, ast.FunctionDef) and s.name == last.value.id),
            None,
        )
        return (made_module, inner) if inner is not None else None
    return _function_named(site, argument)


def _function_named(site: PythonModule, node: ast.expr) -> tuple[PythonModule, Function] | None:
    if isinstance(node, ast.Name):
        local = next(
            (s for s in site.tree.body if isinstance(s, ast.FunctionDef) and s.name == node.id),
            None,
        )
        if local is not None:
            return site, local
    qualified = site.qualified_name(node)
    target = site.import_target(qualified) if qualified and "." in qualified else None
    if target is None:
        return None
    function = next(
        (s for s in target[0].tree.body if isinstance(s, ast.FunctionDef) and s.name == target[1]),
        None,
    )
    return (target[0], function) if function is not None else None
