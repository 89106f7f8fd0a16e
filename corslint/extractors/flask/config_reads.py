"""Options read from the app's own config: `origins=app.config["CORS_ORIGINS"]`,
`app.config.get("ALLOWED_ORIGINS", "*")`, `resources={f"{app.config['API_PREFIX']}/*": ...}`.
Each read is replaced by what the config holds where the call runs (the writes that
reach it, helpers and callers included), so the resolver sees a plain name."""

from __future__ import annotations

import ast
import copy

from corslint.extractors.flask.app_config import config_receiver, config_value
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.reaching import writes_reaching
from corslint.extractors.python import PythonModule, Scope
from corslint.model import Provenance, Value


def _read(node: ast.AST) -> tuple[str, ast.expr, ast.expr | None] | None:
    """(receiver, key node, default node) of `X.config[key]` / `X.config.get(key[, default])`."""
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, (ast.Slice, ast.Tuple)):
        receiver = config_receiver(node.value)
        return (receiver, node.slice, None) if receiver else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and not node.keywords
        and len(node.args) <= 2
    ):
        receiver = config_receiver(node.func.value)
        if receiver:
            default = node.args[1] if len(node.args) == 2 else ast.Constant(None)
            return receiver, node.args[0], default
    return None


class _Substitution(ast.NodeTransformer):
    def __init__(self, module: PythonModule, collected: Collected, site: Site, scope: Scope) -> None:
        self.module, self.collected, self.site, self.scope = module, collected, site, scope
        self.bound: dict[str, Value] = {}

    def visit(self, node: ast.AST) -> ast.AST:
        found = _read(node)
        if found is None:
            visited: ast.AST = super().visit(node)
            return visited
        receiver, key_node, default = found
        key = self.module.resolve(key_node, self.scope)
        if not (key.known and isinstance(key.raw, str)):
            kept: ast.AST = super().visit(node)
            return kept
        writes = writes_reaching(self.module, self.collected, receiver, self.site, at_request=False)
        value = config_value(writes, self.site, key.raw)
        where = self.module.location(node)
        if value is None and default is not None:
            value = self.module.resolve(default, self.scope)
        elif value is None:
            value = Value(
                None,
                where,
                Provenance.UNKNOWN,
                description=f"{receiver}.config[{key.raw!r}], set nowhere corslint can see",
            )
        name = f"__config_read_{len(self.bound)}"
        self.bound[name] = value
        return ast.copy_location(ast.Name(name, ast.Load()), node)


def with_config_reads(
    module: PythonModule, collected: Collected, site: Site, call: ast.Call, scope: Scope
) -> tuple[ast.Call, Scope]:
    """`call` with its config reads replaced by names that `scope` binds to their values."""
    if not any(_read(node) is not None for node in ast.walk(call)):
        return call, scope
    substitution = _Substitution(module, collected, site, scope)
    rewritten = substitution.visit(copy.deepcopy(call))
    assert isinstance(rewritten, ast.Call)
    return rewritten, Scope({**scope.names, **substitution.bound}, scope.depth, scope.frames)


def locals_with_config_reads(module: PythonModule, collected: Collected, site: Site, scope: Scope) -> Scope:
    """`scope` with the locals bound once to an expression that reads the app config
    (`allowed = app.config.get("CORS_ALLOWED_ORIGINS", "*")` before `CORS(app, origins=allowed)`)
    resolved to what the config holds where the call runs."""
    names = dict(scope.names)
    candidates = [
        (name, expressions)
        for name, expressions in collected.locals.get(site.scope, {}).items()
        if name in names and not names[name].known
    ]
    if not site.scope:
        # module-level names (`FRONTEND_URL = app.config.get("FRONTEND_URL", "*")` above
        # `CORS(app, origins=FRONTEND_URL)`)
        candidates += [
            (name, [value for _, value in bindings])
            for name, bindings in module.assignments.items()
            if name not in names
        ]
    for name, expressions in candidates:
        if len(expressions) != 1:
            continue
        if not any(_read(node) is not None for node in ast.walk(expressions[0])):
            continue
        holder = ast.copy_location(ast.Call(ast.Name("_", ast.Load()), [expressions[0]], []), expressions[0])
        rewritten, inner = with_config_reads(
            module, collected, site, holder, Scope(names, scope.depth, scope.frames)
        )
        names[name] = module.resolve(rewritten.args[0], inner)
    return Scope(names, scope.depth, scope.frames)


def keys_read(module: PythonModule) -> frozenset[str]:
    """The config keys the module's own code reads by a literal name."""
    found: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
            continue  # `app.config["CORS_ORIGIN"] = ...` writes it
        read = _read(node)
        if read is not None and isinstance(read[1], ast.Constant) and isinstance(read[1].value, str):
            found.add(read[1].value)
    return frozenset(found)


def _truth(module: PythonModule, collected: Collected, site: Site, test: ast.expr) -> bool | None:
    """Whether an `if` test on the app config holds (`if app.config["ENABLE_CORS"]:`);
    None for any other test, or a value corslint cannot determine."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _truth(module, collected, site, test.operand)
        return None if inner is None else not inner
    found = _read(test)
    if found is None:
        return None
    receiver, key_node, default = found
    key = module.resolve(key_node)
    if not (key.known and isinstance(key.raw, str)):
        return None
    value = config_value(writes_reaching(module, collected, receiver, site, at_request=False), site, key.raw)
    if value is None and default is not None:
        value = module.resolve(default)
    if value is None or not value.known:
        return None  # (a switch read from the environment is judged by its default)
    try:
        return bool(value.plain())
    except Exception:  # an unknown part
        return None


def switched_off(module: PythonModule, collected: Collected, site: Site) -> bool:
    """The call sits under an `if` on a config switch that is off (`ENABLE_CORS = False`
    in the config module and nothing turning it on): the library is never set up."""
    return any(_truth(module, collected, site, test) is (not runs) for test, runs in site.tests)
