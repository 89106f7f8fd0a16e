"""A Dynaconf settings object's fallback, assigned when the environment gives no value
(SWEEP13 M6, Heliotr/ai-travel-assistant config/__init__.py:13-24):

    settings = Dynaconf(envvar_prefix="EMP_CONF", settings_files=[])
    if not hasattr(settings, "ORIGINS"):
        settings._wrapped.ORIGINS = ["*"]

then `allow_origins=settings.ORIGINS`. Dynaconf (3.3.5, measured) fills the object from
`<PREFIX>_<NAME>` environment variables (prefix `DYNACONF` by default), from the files
`settings_files` names, from `.env` only with `load_dotenv=True`, and from its own keyword
arguments (`Dynaconf(origins=[...])` sets ORIGINS); it reads no file nobody names. With no
file and no such keyword, `hasattr` is false exactly when the variable is unset, so the
fallback is the value "when EMP_CONF_ORIGINS is unset", judged like `os.getenv`'s default
(RULES.md CORS305). Anything else (files, validators, `**kwargs`, a prefix that is not a
literal, a fallback under another test) stays unknown. Settings files are LEFT13-PY's."""

from __future__ import annotations

import ast

from corslint.extractors.python.environment import instance_call
from corslint.extractors.python.module import ATTRIBUTE_HOOKS, PythonModule
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.values import as_env_default, moved
from corslint.model import Value

DYNACONF_CLASSES = frozenset({"dynaconf.Dynaconf", "dynaconf.LazySettings", "dynaconf.base.LazySettings"})
_DEFAULT_PREFIX = "DYNACONF"
# keywords that load values from somewhere corslint does not read here
_LOADING = frozenset(
    {
        "settings_files",
        "settings_file",
        "includes",
        "preload",
        "validators",
        "secrets",
        "redis_enabled",
        "vault_enabled",
    }
)


def dynaconf_fallback_hook(module: PythonModule, node: ast.Attribute, scope: Scope) -> Value | None:
    if not isinstance(node.value, ast.Name) or not node.attr.isupper():
        return None
    instance = instance_call(module, node.value.id, DYNACONF_CLASSES)
    if instance is None:
        return None
    owner, call = instance
    prefix = _prefix(owner, call, node.attr, scope)
    if prefix is None:
        return None
    bound = _owner_name(owner, call)
    fallback = _fallback(owner, bound, node.attr) if bound is not None else None
    if fallback is None:
        return None
    value = owner.resolve(fallback, scope.deeper())
    if not value.known:
        return None
    variable = f"{prefix}_{node.attr}" if prefix else node.attr
    return moved(as_env_default(value, variable, owner.location(fallback)), module.location(node))


def _prefix(owner: PythonModule, call: ast.Call, name: str, scope: Scope) -> str | None:
    """The environment prefix, or None where the object may hold `name` from elsewhere."""
    prefix = _DEFAULT_PREFIX
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg.upper() == name:
            return None  # `**options`, or the setting passed as a keyword
        if keyword.arg in _LOADING:
            if not (isinstance(keyword.value, (ast.List, ast.Tuple)) and not keyword.value.elts):
                return None
        elif keyword.arg == "load_dotenv":
            if not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                return None
        elif keyword.arg in {"envvar_prefix", "ENVVAR_PREFIX_FOR_DYNACONF"}:
            found = owner.resolve(keyword.value, scope.deeper())
            if not found.known or not isinstance(found.raw, (str, bool)):
                return None
            prefix = found.raw if isinstance(found.raw, str) else ""
            if found.raw is True:
                return None
    return None if call.args else prefix


def _owner_name(owner: PythonModule, call: ast.Call) -> str | None:
    for statement in owner.tree.body:
        if isinstance(statement, ast.Assign) and statement.value is call and len(statement.targets) == 1:
            target = statement.targets[0]
            return target.id if isinstance(target, ast.Name) else None
        if (
            isinstance(statement, ast.AnnAssign)
            and statement.value is call
            and isinstance(statement.target, ast.Name)
        ):
            return statement.target.id
    return None


def _fallback(owner: PythonModule, bound: str, name: str) -> ast.expr | None:
    """The value of the module's one `if not hasattr(<bound>, "NAME"):` assignment to
    `<bound>._wrapped.NAME` or `<bound>.NAME` (or `<bound>.set("NAME", v)`), when the
    module sets NAME nowhere else."""
    found: list[ast.expr] = []
    for statement in owner.tree.body:
        if not _sets(statement, bound, name):
            continue
        if not (
            isinstance(statement, ast.If)
            and not statement.orelse
            and _missing_test(statement.test, bound, name)
        ):
            return None
        for inner in statement.body:
            value = _assigned(inner, bound, name)
            if value is not None:
                found.append(value)
            elif _sets(inner, bound, name):
                return None
    return found[0] if len(found) == 1 else None


def _missing_test(test: ast.expr, bound: str, name: str) -> bool:
    """`not hasattr(bound, "NAME")`."""
    if not (
        isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call)
    ):
        return False
    call = test.operand
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "hasattr"
        and len(call.args) == 2
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == bound
        and isinstance(call.args[1], ast.Constant)
        and call.args[1].value == name
    )


def _assigned(statement: ast.stmt, bound: str, name: str) -> ast.expr | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Attribute) and target.attr == name and _is_object(target.value, bound):
            return statement.value
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "set"
            and _is_object(call.func.value, bound)
            and len(call.args) == 2
            and not call.keywords
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value == name
        ):
            return call.args[1]
    return None


def _is_object(node: ast.expr, bound: str) -> bool:
    """`bound` or `bound._wrapped`."""
    if isinstance(node, ast.Attribute) and node.attr == "_wrapped":
        node = node.value
    return isinstance(node, ast.Name) and node.id == bound


def _sets(statement: ast.stmt, bound: str, name: str) -> bool:
    """Whether the statement may write NAME on the object (an attribute store, `.set`,
    `setattr`, `.update`)."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and node.attr == name:
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr":
                if _names_other(node.args[1:2], name):
                    continue
                return True
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"set", "setdefault"}
                and _is_object(func.value, bound)
            ):
                if _names_other(node.args[:1], name):
                    continue
                return True
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"update", "load_file"}
                and _is_object(func.value, bound)
            ):
                return True
    return False


def _names_other(arguments: list[ast.expr], name: str) -> bool:
    """The setting a `set`/`setattr` call writes is spelt, and is another one."""
    return bool(arguments) and isinstance(arguments[0], ast.Constant) and arguments[0].value != name


ATTRIBUTE_HOOKS.append(dynaconf_fallback_hook)
