"""The config writes that reach an app where Flask-CORS reads it, across the functions
an app factory hands the app to: `load_config(app)` before `CORS(app)` (the helper's
writes count), `def init_cors(app): cors.init_app(app)` called from `create_app()`
after `app.config.from_object(Config)` (the caller's writes count), and the app a
blueprint is registered on (for `@cross_origin` views, which read the config at
request time). Helpers are followed `MAX_DEPTH` calls deep."""

from __future__ import annotations

import ast

from corslint.extractors.flask.app_config import Variant, config_value, relevant
from corslint.extractors.flask.calls import dotted_name
from corslint.extractors.flask.collected import Collected, ConfigWrite, Function, Site
from corslint.extractors.flask.collector import collect
from corslint.extractors.flask.config_sources import Loaded
from corslint.extractors.flask.imports import lookup, qualified_name
from corslint.extractors.flask.project_scan import project_modules
from corslint.extractors.flask.routes import blueprint_module
from corslint.extractors.python import PythonModule
from corslint.model import Location, Provenance, Value

MAX_DEPTH = 3
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def parameters(function: Function) -> list[str]:
    arguments = function.args
    return [a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]


def is_parameter(collected: Collected, scope: str, name: str) -> bool:
    """`name` is a parameter of the function `scope`, never rebound there."""
    function = collected.functions.get(scope)
    if function is None or name not in parameters(function):
        return False
    return len(collected.locals.get(scope, {}).get(name, [])) <= 2  # the parameter's own stand-ins


def _module_function(owner: PythonModule, name: str) -> Function | None:
    """A module-level `def name`, or the `__init__` of a module-level `class name`."""
    for statement in owner.tree.body:
        if isinstance(statement, _FUNCTIONS) and statement.name == name:
            return statement
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return _initializer(statement)
    return None


def _initializer(class_def: ast.ClassDef) -> Function | None:
    for statement in class_def.body:
        if isinstance(statement, _FUNCTIONS) and statement.name == "__init__":
            return statement
    return None


def callee(
    module: PythonModule, collected: Collected, call: ast.Call, site: Site
) -> tuple[PythonModule, Function] | None:
    """The in-tree function a call runs: a module-level `def` (or a class's `__init__`)
    here, or one imported."""
    imports = collected.imports.get(site.scope, collected.imports.get("", {}))
    func = call.func
    if isinstance(func, ast.Name) and (func.id not in imports or func.id in module.assignments):
        found = _module_function(module, func.id)
        if found is not None:
            return module, found
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        method = _instance_method(module, imports, func.value.id, func.attr) or _static_method(
            module, imports, func.value.id, func.attr
        )
        if method is not None:
            return method
    qualified = qualified_name(func, imports)
    if not qualified or "." not in qualified or module.project is None:
        return None
    located = lookup(module, qualified)
    if located is None:
        return None
    owner, name = located
    found = _module_function(owner, name)
    return (owner, found) if found is not None else None


def _instance_method(
    module: PythonModule, imports: dict[str, str], name: str, method: str
) -> tuple[PythonModule, Function] | None:
    """`config.init_app(app)` on a module-level `config = Config()` of an in-tree class."""
    bound = module.find_binding(name) if name not in imports else None
    if bound is None and name in imports and module.project is not None:
        located = lookup(module, imports[name])
        bound = located[0].find_binding(located[1]) if located is not None else None
    if bound is None or not isinstance(bound[1], ast.Call):
        return None
    found = bound[0].class_named(bound[1].func)
    if found is None:
        return None
    owner, class_def = found
    for statement in class_def.body:
        if isinstance(statement, _FUNCTIONS) and statement.name == method:
            return owner, statement
    return None


def _static_method(
    module: PythonModule, imports: dict[str, str], name: str, method: str
) -> tuple[PythonModule, Function] | None:
    """`CORSConfig.apply_cors(app)`: a `@staticmethod` of a module-level class, here or
    imported (EdwinKassier/dwml-backend-flask app/__init__.py over app/shared/middleware/cors.py)."""
    owner, class_name = module, name
    if name in imports:
        located = lookup(module, imports[name]) if module.project is not None else None
        if located is None:
            return None
        owner, class_name = located
    elif name in module.assignments:
        return None
    class_def = next(
        (s for s in owner.tree.body if isinstance(s, ast.ClassDef) and s.name == class_name), None
    )
    found = _static_member(class_def, method) if class_def is not None else None
    return (owner, found) if found is not None else None


def _static_member(class_def: ast.ClassDef, name: str) -> Function | None:
    for statement in class_def.body:
        if (
            isinstance(statement, _FUNCTIONS)
            and statement.name == name
            and any(dotted_name(d) == "staticmethod" for d in statement.decorator_list)
        ):
            return statement
    return None


def _self_alias(
    module: PythonModule, collected: Collected, scope: str, receiver: str
) -> tuple[Function, str] | None:
    """`self.app` (or `self.config`, read as an app's config) in a method, where the
    class's `__init__` stores a parameter: `self.app = app`, `self.config = app.config`.
    (The `__init__`, that parameter.)"""
    function = collected.functions.get(scope)
    owner = next((c for c in module.classes.values() if function in c.body), None)
    initializer = _initializer(owner) if owner is not None else None
    if initializer is None:
        return None
    attribute, wants_config = ("config", True) if receiver == "self" else (receiver[5:], False)
    for statement in initializer.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if not (isinstance(target, ast.Attribute) and dotted_name(target) == f"self.{attribute}"):
            continue
        if wants_config and isinstance(value, ast.Attribute) and value.attr == "config":
            value = value.value
        elif wants_config:
            return None
        if isinstance(value, ast.Name) and value.id in parameters(initializer):
            return initializer, value.id
    return None


def _bound_parameter(function: Function, call: ast.Call, receiver: str) -> str | None:
    """The parameter of `function` that `call` passes `receiver` to."""
    names = _passed(function)
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            return None
        if dotted_name(argument) == receiver and index < len(names):
            return names[index]
    for keyword in call.keywords:
        if keyword.arg is not None and dotted_name(keyword.value) == receiver:
            return keyword.arg
    return None


def _passed(function: Function) -> list[str]:
    """The positional parameters a call fills (a method's `self` is not one of them)."""
    names = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    return names[1:] if names and names[0] in {"self", "cls"} else names


def _scope_of(owner: PythonModule, function: Function) -> str:
    return f"def {function.name}@{owner.location(function).line}"


def writes_reaching(
    module: PythonModule, collected: Collected, receiver: str, site: Site, *, at_request: bool, depth: int = 0
) -> list[ConfigWrite]:
    """Every config write of `receiver` that the library sees at `site`, in order."""
    key = (receiver, site, at_request, depth)
    known = collected.reaching.get(key)
    if known is None:
        known = collected.reaching[key] = _writes_reaching(
            module, collected, receiver, site, at_request, depth
        )
    return known


def _writes_reaching(
    module: PythonModule, collected: Collected, receiver: str, site: Site, at_request: bool, depth: int
) -> list[ConfigWrite]:
    writes = list(relevant(collected, receiver, site, at_request=at_request))
    if depth < MAX_DEPTH:
        for call, where in collected.handoffs:
            if where.scope != site.scope or (not at_request and where.position > site.position):
                continue
            if where.branch and not site.branch.startswith(where.branch) and not at_request:
                continue
            writes += _helper_writes(module, collected, call, where, receiver, depth)
        inherited: tuple[Loaded, Value | None] | None = None
        if site.scope and (receiver == "self" or receiver.startswith("self.")):
            alias = _self_alias(module, collected, site.scope, receiver)
            if alias is not None:
                inherited = _callers_config(module, collected, alias[0], alias[1], depth)
        elif site.scope and is_parameter(collected, site.scope, receiver):
            inherited = inherited_config(module, collected, site.scope, receiver, depth)
        if inherited is not None:
            start = Site(site.scope, "", False, False, (0, 0))
            at = Location.point(module.path, site.position[0])
            writes.insert(0, ConfigWrite(receiver, start, inherited[0], at, opaque=inherited[1]))
    writes.sort(key=lambda write: (write.site.scope == site.scope, write.site.position))
    return writes


def _helper_writes(
    module: PythonModule, collected: Collected, call: ast.Call, where: Site, receiver: str, depth: int
) -> list[ConfigWrite]:
    """`load_config(app)`: what the helper writes to its parameter, as if written at the call."""
    target = callee(module, collected, call, where)
    if target is None:
        return []
    owner, function = target
    parameter = _bound_parameter(function, call, receiver)
    if parameter is None:
        return []
    inner = collect(owner)
    scope = _scope_of(owner, function)
    end = Site(scope, "", False, False, (10**9, 0))
    found: list[ConfigWrite] = []
    for write in writes_reaching(owner, inner, parameter, end, at_request=False, depth=depth + 1):
        if write.site.scope != scope:
            continue  # the helper module's own module-level writes are not this app's
        conditional = where.conditional or write.site.conditional
        site = Site(where.scope, where.branch, conditional, where.debug or write.site.debug, where.position)
        found.append(
            ConfigWrite(
                receiver, site, write.loaded, write.location, write.opaque, write.env_prefix, write.fills_only
            )
        )
    return found


def inherited_config(
    module: PythonModule, collected: Collected, scope: str, receiver: str, depth: int
) -> tuple[Loaded, Value | None] | None:
    """The config an app parameter arrives with: what every caller's app holds at the
    call, where they agree; None when no caller is found."""
    function = collected.functions.get(scope)
    if function is None or scope.count("def ") != 1:
        return None
    static = any(
        isinstance(c, ast.ClassDef) and _static_member(c, function.name) is function for c in module.tree.body
    )
    if _module_function(module, function.name) is not function and not static:
        return None  # a nested function or a method: its callers are not looked for
    return _callers_config(module, collected, function, receiver, depth)


def _callers_config(
    module: PythonModule, collected: Collected, function: Function, parameter: str, depth: int
) -> tuple[Loaded, Value | None] | None:
    """What the app passed as `parameter` holds at each call of `function` (a module-level
    function, or a class's `__init__`, called by the class's name): every key, where the
    callers agree, and the unknown mapping one of them loads, if any. None: no caller."""
    name = function.name
    if name == "__init__":
        name = next((c.name for c in module.classes.values() if function in c.body), "")
    needle = f"{name}("
    names = _passed(function)
    callers: list[tuple[list[ConfigWrite], Site]] = []
    for other in [module, *project_modules(module, needle)]:
        if needle not in other.text:
            continue
        other_collected = collect(other) if other is not module else collected
        for call, where in other_collected.handoffs:
            target = callee(other, other_collected, call, where)
            if target is None or target[1] is not function:
                continue
            argument = _argument_for(call, names, parameter)
            passed = dotted_name(argument) if argument is not None else ""
            if passed:
                writes = writes_reaching(
                    other, other_collected, passed, where, at_request=False, depth=depth + 1
                )
                callers.append((writes, where))
    if not callers:
        return None
    keys = tuple(
        dict.fromkeys(key for writes, _ in callers for write in writes for key in write.loaded.names)
    )
    opaque = next((w.opaque for writes, _ in callers for w in writes if w.opaque is not None), None)

    def resolve(key: str) -> Value | None:
        seen = [config_value(writes, where, key) for writes, where in callers]
        if all(value is None for value in seen):
            return None
        return agreed([{key: value} if value is not None else {} for value in seen]).get(key)

    return Loaded(keys, resolve), opaque


def _argument_for(call: ast.Call, names: list[str], parameter: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    if parameter in names:
        index = names.index(parameter)
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        if index < len(positional) and len(positional) == len(call.args):
            return positional[index]
    return None


def collapse(variants: list[Variant]) -> dict[str, Value]:
    return agreed([variant.values for variant in variants])


def agreed(configs: list[dict[str, Value]]) -> dict[str, Value]:
    """Keys every config gives the same value keep it; the others are unknown."""
    if len(configs) == 1:
        return configs[0]
    merged: dict[str, Value] = {}
    for key in dict.fromkeys(k for config in configs for k in config):
        seen = [config.get(key) for config in configs]
        texts = {_text(value) for value in seen}
        first = seen[0]
        if len(texts) == 1 and first is not None and None not in texts:
            merged[key] = first
        else:
            where = next(value for value in seen if value is not None)
            merged[key] = Value(
                None, where.location, Provenance.UNKNOWN, description=f"{key} differs between the callers"
            )
    return merged


def _text(value: Value | None) -> str | None:
    if value is None or not value.known:
        return None
    try:
        return repr(value.plain())
    except Exception:  # an unknown part
        return None


Registration = tuple[PythonModule, Collected, str, Site, ast.Call]


def registering_apps(module: PythonModule, blueprint: str) -> list[Registration]:
    """(module, its walk, the app, where, the call) for each `app.register_blueprint(<blueprint>)`
    of this module's `blueprint`, found in the project."""
    found: list[Registration] = []
    for other in [module, *project_modules(module, "register_blueprint")]:
        if "register_blueprint" not in other.text:
            continue
        other_collected = collect(other)
        for call, where in other_collected.registrations:
            if not call.args or not isinstance(call.func, ast.Attribute):
                continue
            imports = other_collected.imports.get(where.scope, other_collected.imports.get("", {}))
            target = blueprint_module(other, call.args[0], imports)
            if target is None or target[0] is not module or target[1] != blueprint:
                continue
            app = dotted_name(call.func.value)
            kind = other_collected.apps.get((where.scope, app)) or other_collected.apps.get(("", app))
            if kind == "blueprint" or not app:
                continue
            found.append((other, other_collected, app, where, call))
    return found
