"""Recognising the calls Flask-CORS is configured with (``CORS(app)``, ``cors.init_app(app)``,
``@cross_origin``) and the apps and blueprints they are given, with a call's arguments as written."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import NamedTuple

from corslint.extractors.flask.imports import lookup, module_imports, qualified_name
from corslint.extractors.flask.optional_extension import optional_instance
from corslint.extractors.python import PythonModule

CORS_CLASS = "flask_cors.CORS"
CROSS_ORIGIN = "flask_cors.cross_origin"
# Sanic's app and blueprint take Sanic-CORS the way Flask's take Flask-CORS (imports.py)
FLASK_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "sanic.Sanic", "sanic.app.Sanic"})
BLUEPRINT_CLASSES = frozenset(
    {"flask.Blueprint", "flask.blueprints.Blueprint", "sanic.Blueprint", "sanic.blueprints.Blueprint"}
)


class CallArgument(NamedTuple):
    """One argument of a call as written: `x`, `*x`, `name=x` or `**x`."""

    keyword: str | None
    star: str  # "", "*" or "**"
    value: ast.expr
    node: ast.AST  # the argument itself (a keyword spans `name=value`)


def call_arguments(call: ast.Call) -> list[CallArgument]:
    """A call's arguments in source order (ast keeps positional ones and keywords apart)."""
    found = [
        CallArgument(None, "*", arg.value, arg)
        if isinstance(arg, ast.Starred)
        else CallArgument(None, "", arg, arg)
        for arg in call.args
    ]
    found += [CallArgument(kw.arg, "" if kw.arg else "**", kw.value, kw) for kw in call.keywords]
    if call.keywords and any(isinstance(arg, ast.Starred) for arg in call.args):
        # `f(a=1, *rest)`: a starred argument may follow keywords
        found.sort(key=lambda arg: (arg.node.lineno, arg.node.col_offset))  # type: ignore[attr-defined]
    return found


def _qualified(module: PythonModule, node: ast.AST, imports: Mapping[str, str] | None) -> str:
    found = module.qualified_name(node) if imports is None else qualified_name(node, imports)
    return found or ""


def app_kind(module: PythonModule, node: ast.expr, imports: Mapping[str, str] | None = None) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    qualified = _qualified(module, node.func, imports)
    if qualified in FLASK_CLASSES:
        return "flask"
    if qualified in BLUEPRINT_CLASSES:
        return "blueprint"
    found = module.class_named(node.func) if isinstance(node.func, ast.Name) else None
    return _subclass_kind(*found) if found is not None else None


def _subclass_kind(owner: PythonModule, class_def: ast.ClassDef, depth: int = 0) -> str | None:
    """`class AuthBlueprint(Blueprint)`, `class MyApp(Flask)`: in-tree subclasses."""
    for base in class_def.bases:
        qualified = _qualified(owner, base, module_imports(owner))
        if qualified in FLASK_CLASSES:
            return "flask"
        if qualified in BLUEPRINT_CLASSES:
            return "blueprint"
        found = owner.class_named(base) if depth < 3 else None
        if found is not None and found[1] is not class_def:
            kind = _subclass_kind(found[0], found[1], depth + 1)
            if kind is not None:
                return kind
    return None


def is_cross_origin(module: PythonModule, node: ast.expr, imports: Mapping[str, str] | None = None) -> bool:
    return isinstance(node, ast.Call) and _qualified(module, node.func, imports) == CROSS_ORIGIN


def is_init_app(
    module: PythonModule,
    call: ast.Call,
    imports: Mapping[str, str] | None = None,
    local: Mapping[str, list[ast.expr]] | None = None,
) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "init_app"):
        return False
    return extension_constructor(module, func.value, imports, local) is not None


def app_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "app":
            return keyword.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if not positional:
        return None
    if isinstance(positional[0], ast.Constant) and positional[0].value is None:
        return None
    return positional[0]


def extension_constructor(
    module: PythonModule,
    receiver: ast.expr,
    imports: Mapping[str, str] | None = None,
    local: Mapping[str, list[ast.expr]] | None = None,
) -> tuple[PythonModule, ast.Call] | None:
    """The `cors = CORS(...)` call behind `cors.init_app(...)`, here or in an in-tree
    module (`CORS().init_app(app)`: the call itself). `local`: the bindings of the function
    the call is in, where `cors = CORS()` bound once beside it is the extension (an app
    factory's `cors = CORS()` then `cors.init_app(app)`: codeHawker/tweetscan)."""
    table = module.imports if imports is None else imports
    if isinstance(receiver, ast.Call):
        return (module, receiver) if _qualified(module, receiver.func, imports) == CORS_CLASS else None
    if not isinstance(receiver, ast.Name):
        return None
    bound = (local or {}).get(receiver.id, [])
    if (
        len(bound) == 1  # a parameter or a binding under a condition counts twice
        and isinstance(bound[0], ast.Call)
        and _qualified(module, bound[0].func, imports) == CORS_CLASS
    ):
        return module, bound[0]
    # a function's own `from .extensions import cors` hides a module-level namesake
    local_import = receiver.id in table and receiver.id not in module.imports
    found = (
        None if local_import else module.find_binding(receiver.id) or optional_instance(module, receiver.id)
    )
    if found is None and receiver.id in table and module.project is not None:
        imported = lookup(module, table[receiver.id])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1]) or optional_instance(*imported)
    if found is None:
        return None
    owner, expression = found
    if (
        isinstance(expression, ast.Call)
        and _qualified(owner, expression.func, module_imports(owner)) == CORS_CLASS
    ):
        return owner, expression
    return None


def dotted_name(node: ast.expr) -> str:
    """`a.b.c`; a chain on anything but a name keeps its attributes: `f().app` -> ".app"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""
