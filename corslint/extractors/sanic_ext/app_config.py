"""Sanic Extensions' CORS configured through the app's own config: `app.config.CORS_ORIGINS
= "*"`, `app.config["CORS_..."] = ...`, `app.config.update({...})` (or `update(KEY=...)`),
then `Extend(app)`, `app.extend(...)` or a first `app.ext` read (Sanic's property extends the
app there and then).

Seen in MasterCoisin/EM_ERP_SANIC (utils/init_app.py: `CORS_ALLOW_HEADERS` and
`CORS_ORIGINS = "*"` written on `app.config`, then `Extend(app)`).

What sanic-ext 25.12.0 does (tests/test_differential_sanic_ext_app_config.py): `Extend` builds its
`Config`, then `add_fallback_config` copies every key the app config already holds over it,
and the HTTP extension reads the CORS settings once, there and then. A key written before
`Extend` wins over the `Config(...)` keywords; a key written after it is never read. Without
an `Extend` of its own, Sanic extends the app while the server starts (`AUTO_EXTEND`) when
sanic-ext is installed: every key written at import then counts. `CORS = False` turns the
extension's CORS off. Keys that reach no extension seen here, in a project that does not
declare sanic-ext, are noted (CORS003): whether Sanic Extensions is installed is not known."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from corslint.extractors.python.call_options import arms, read_arguments
from corslint.extractors.python.flow import FUNCTIONS
from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.scope import EMPTY_SCOPE
from corslint.extractors.python.values import under_condition
from corslint.model import Diagnostic, Location, Provenance, Value

CONFIG_CLASSES = frozenset({"sanic_ext.Config", "sanic_ext.config.Config"})
EXTEND_CALLS = frozenset({"sanic_ext.Extend", "sanic_ext.bootstrap.Extend"})
_UPDATE_METHODS = frozenset({"update", "load"})
# worded as `unmodelled.libraries.message` words CORS003 (its `library_named` reads it back)
UNMODELLED = "corslint does not model Sanic-Ext's CORS yet: the CORS configuration here was not checked"
_CONDITIONAL = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match, ast.ExceptHandler)


@dataclass(frozen=True)
class ConfigWrite:
    """One key the code writes on an app's config, in source order."""

    app: str  # the receiver, `app` of `app.config`
    key: str
    value: Value
    node: ast.AST


@dataclass(frozen=True)
class Extension:
    """An `Extend(app, ...)` / `app.extend(...)` call and the `Config` it hands over."""

    app: str
    call: ast.expr  # the call, or the first `app.ext` read
    config: ast.expr | None


@dataclass(frozen=True)
class AppConfiguration:
    """The CORS options one app is extended with, and the `Config(...)` call they absorbed."""

    app: str
    options: dict[str, Value]
    location: Location
    branch: str
    config_call: ast.Call | None


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = dotted(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None


def config_owner(node: ast.expr) -> str | None:
    """`app.config` -> "app"."""
    if isinstance(node, ast.Attribute) and node.attr == "config":
        return dotted(node.value)
    return None


def _scopes(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    yield tree.body
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.body


def _scope_nodes(body: list[ast.stmt]) -> Iterator[tuple[ast.AST, bool]]:
    """Each node of a scope (not of the functions and classes inside it) with whether it
    runs only under a condition, in source order."""
    pending: list[tuple[ast.AST, bool]] = [(statement, False) for statement in reversed(body)]
    while pending:
        node, conditional = pending.pop()
        yield node, conditional
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        inner = conditional or isinstance(node, _CONDITIONAL)
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If):
            # the test runs always; its arms only under the condition
            children = [node.test, *node.body, *node.orelse]
        pending.extend(
            (child, inner and child is not getattr(node, "test", None)) for child in reversed(children)
        )


def _writes(module: PythonModule, node: ast.AST, conditional: bool) -> Iterator[ConfigWrite]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from _target_writes(module, target, node.value, conditional)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        yield from _target_writes(module, node.target, node.value, conditional)
    elif isinstance(node, ast.AugAssign):
        # `app.config.CORS_ORIGINS += [...]`: the sum is not worked out here
        for write in _target_writes(module, node.target, node.value, conditional):
            why = f"{module.source(node)} (extended in place)"
            unknown = Value(None, write.value.location, Provenance.UNKNOWN, description=why)
            yield ConfigWrite(write.app, write.key, unknown, write.node)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = config_owner(node.func.value)
        if owner is None or node.func.attr not in _UPDATE_METHODS:
            return
        for keyword in node.keywords:
            if keyword.arg is not None and keyword.arg.startswith("CORS"):
                yield from _present(_write(module, owner, keyword.arg, keyword.value, conditional, node))
        for argument in node.args:
            if isinstance(argument, ast.Dict):
                for key_node, value in zip(argument.keys, argument.values, strict=True):
                    key = module.resolve(key_node) if key_node is not None else None
                    if (
                        key is not None
                        and key.known
                        and isinstance(key.raw, str)
                        and key.raw.startswith("CORS")
                    ):
                        yield from _present(_write(module, owner, key.raw, value, conditional, node))


def _target_writes(
    module: PythonModule, target: ast.expr, value: ast.expr, conditional: bool
) -> Iterator[ConfigWrite]:
    if isinstance(target, ast.Attribute) and target.attr.startswith("CORS"):
        owner = config_owner(target.value)
        if owner is not None:
            yield from _present(_write(module, owner, target.attr, value, conditional, target))
    elif isinstance(target, ast.Subscript) and not isinstance(target.slice, (ast.Slice, ast.Tuple)):
        owner = config_owner(target.value)
        key = module.resolve(target.slice) if owner is not None else None
        if owner is not None and key is not None and key.known and str(key.raw).startswith("CORS"):
            yield from _present(_write(module, owner, str(key.raw), value, conditional, target))


def _write(
    module: PythonModule, owner: str, key: str, value: ast.expr, conditional: bool, node: ast.AST
) -> ConfigWrite | None:
    resolved = module.resolve(value)
    if conditional:
        taken = _arm_taken(module, node)
        if taken is None:
            resolved = Value(
                None,
                module.location(value),
                Provenance.UNKNOWN,
                description=f"`{key}` written only under a condition",
            )
        elif not taken.raw:
            return None  # the arm a plain start does not take
        else:
            resolved = under_condition(resolved, taken)
    return ConfigWrite(owner, key, resolved, node)


def _arm_taken(module: PythonModule, node: ast.AST) -> Value | None:
    """Whether the `if` arms around `node` (in its function) are the ones a plain start
    takes, as a truth value resting on the defaults it read; None when that is not known."""
    steps = module.steps(node)
    inner = [i for i, step in enumerate(steps) if isinstance(step.owner, FUNCTIONS)]
    decided = Value(True, module.location(node))
    for step in steps[inner[-1] + 1 if inner else 0 :]:
        owner = step.owner
        if isinstance(owner, (ast.With, ast.AsyncWith, ast.Module)) or (
            isinstance(owner, ast.Try) and step.block in (owner.body, owner.finalbody)
        ):
            continue
        if not isinstance(owner, ast.If):
            return None
        truth = module.decide(owner.test, EMPTY_SCOPE)
        if truth is None:
            return None
        if bool(truth.raw) != (step.block is owner.body):
            return Value(False, module.location(node))
        if truth.env_var is not None:
            decided = truth
    return Value(True, decided.location, decided.provenance, decided.env_var)


def _present(write: ConfigWrite | None) -> Iterator[ConfigWrite]:
    if write is not None:
        yield write


def _extension(module: PythonModule, node: ast.AST) -> Extension | None:
    if isinstance(node, ast.Attribute) and node.attr == "ext" and isinstance(node.ctx, ast.Load):
        # Sanic's `app.ext` property extends the app there and then (`setup_ext(fail=True)`)
        owner = dotted(node.value)
        return Extension(owner, node, None) if owner else None
    if not isinstance(node, ast.Call):
        return None
    config = next((k.value for k in node.keywords if k.arg == "config"), None)
    if (module.qualified_name(node.func) or "") in EXTEND_CALLS and node.args:
        owner = dotted(node.args[0])
        return Extension(owner, node, config) if owner else None
    if isinstance(node.func, ast.Attribute) and node.func.attr == "extend":
        owner = dotted(node.func.value)
        return Extension(owner, node, config) if owner else None
    return None


def _config_options(
    module: PythonModule, config: ast.expr | None
) -> tuple[dict[str, Value], ast.Call | None]:
    """The options `Extend(config=...)` hands over: a `Config(cors_x=...)` call or a dict."""
    if config is None:
        return {}, None
    if isinstance(config, ast.Call) and (module.qualified_name(config.func) or "") in CONFIG_CLASSES:
        arguments = read_arguments(module, config, ())
        return {
            name.upper(): value for name, value in arguments.items() if name.lower().startswith("cors")
        }, config
    mapping = module.resolve(config)
    if mapping.known and isinstance(mapping.raw, dict):
        return {str(k).upper(): v for k, v in mapping.raw.items() if str(k).lower().startswith("cors")}, None
    return {
        "**": Value(None, module.location(config), Provenance.UNKNOWN, description=module.source(config))
    }, None


def app_configurations(
    module: PythonModule, auto_extended: bool, note_unread: bool = True
) -> tuple[list[AppConfiguration], list[Diagnostic]]:
    """The apps whose config the module writes `CORS*` keys on, each as the options Sanic
    Extensions reads; `auto_extended`: sanic-ext is a dependency (Sanic extends the app
    itself). Keys that reach no extension known here are noted (CORS003) when `note_unread`."""
    found: list[AppConfiguration] = []
    unread: list[ConfigWrite] = []
    for body in _scopes(module.tree):
        writes: list[ConfigWrite] = []
        extended: set[str] = set()
        for node, conditional in _scope_nodes(body):
            writes.extend(_writes(module, node, conditional))
            extension = _extension(module, node)
            if extension is None:
                continue
            before = [write for write in writes if write.app == extension.app]
            if extension.app in extended:
                continue  # extended once: a later `app.ext` read is the same extension
            extended.add(extension.app)
            options, config_call = _config_options(module, extension.config)
            if not before and (config_call is not None or not options):
                continue  # no key written here: the Config call alone (extractor.py)
            options.update({write.key: write.value for write in before})
            found.append(
                AppConfiguration(
                    extension.app,
                    options,
                    module.location(extension.call),
                    arms(module, extension.call),
                    config_call,
                )
            )
        apps = {write.app for write in writes} - extended
        for app in sorted(apps):
            own = [write for write in writes if write.app == app]
            if not auto_extended:
                unread.extend(own)
                continue
            options = {write.key: write.value for write in own}
            found.append(AppConfiguration(app, options, module.location(own[0].node), "", None))
    notes = []
    if unread and note_unread:
        first = min(
            unread, key=lambda write: (getattr(write.node, "lineno", 0), getattr(write.node, "col_offset", 0))
        )
        notes.append(Diagnostic("CORS003", UNMODELLED, module.location(first.node)))
    return found, notes
