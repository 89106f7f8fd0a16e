"""Objects of the project's classes: settings and config objects, read attribute by
attribute (`settings.cors_origins`, `config.project.allow_origins`, `CORSConfig.ORIGINS`,
`settings.cors.model_dump()`).

An `Instance` is a class and, when known, the call that made it. An attribute is, in
order: an argument of that call; what `__init__` assigns to `self.NAME`; the class's own
default (pydantic `Field(default=...)`/`default_factory`, dataclasses `field(...)`, attrs
`attr.ib(...)`, a plain class attribute), which pydantic-settings lets the environment
override; or a `@property` evaluated with `self` bound. Nested sections (`cors:
CorsSettings = Field(default_factory=CorsSettings)`) are instances in turn. An object
made by a call that passes `**something` corslint cannot read keeps its class defaults:
they are what applies unless that mapping sets them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from corslint.extractors.python.classes import ClassResolver, is_self_attribute, targets_of
from corslint.extractors.python.flow import FUNCTIONS, parameter_annotation, parameter_names
from corslint.extractors.python.functions import Callee, opaque
from corslint.extractors.python.loaded_settings import returned_element, validated_as_made
from corslint.extractors.python.post_init import post_init_value
from corslint.extractors.python.provided_objects import dict_entry, provided_call
from corslint.extractors.python.pydantic_fields import (
    field_alias,
    field_default,
    field_factory,
)
from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Argument, Frame, Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import as_env_default, moved, truth
from corslint.model import Provenance, Value

_DUMP_METHODS = frozenset({"model_dump", "dict"})  # pydantic v2 and v1


@dataclass(frozen=True)
class Instance:
    """An object of a project class (or, with `is_class`, the class itself)."""

    module: InstanceResolver  # where the class is defined
    class_def: ast.ClassDef
    call: ast.Call | None = None  # the call that made it, when known
    caller: InstanceResolver | None = None  # the module of that call
    scope: Scope = EMPTY_SCOPE  # and the scope it was made in
    env_var: str | None = None  # pydantic-settings: the variable a nested section is read from
    is_class: bool = False
    data: Value | None = None  # a mapping it was made from (`Settings(**yaml.safe_load(...))`)


class InstanceResolver(ClassResolver):
    """Reads attributes of project objects and calls their methods."""

    # -- which object an expression is ---------------------------------------------------
    def instance_of(self, node: ast.expr, scope: Scope) -> Instance | None:
        if scope.depth > MAX_DEPTH:
            return None
        deeper = scope.deeper()
        if isinstance(node, ast.Call):
            made = self.class_at(node.func, deeper)
            if made is not None:
                return Instance(made[0], made[1], node, self, deeper)
            validated = validated_as_made(node)
            if validated is not None:  # `Settings.model_validate({})`
                return self.instance_of(validated, deeper)
            if isinstance(node.func, (ast.Call, ast.Subscript, ast.Name)):
                # `get_settings_class()()`: a class some expression gives, called
                made_from = self.instance_of(node.func, deeper)
                if made_from is not None and made_from.is_class:
                    return Instance(made_from.module, made_from.class_def, node, self, deeper)
            provided = self._provided_instance(node, deeper)
            if provided is not None:
                return provided
            callee = self.callee(node.func, deeper) or self._method_callee(node.func, deeper)
            if callee is None or opaque(callee):
                return None
            frame = self.bind_arguments(callee, node, deeper)
            if not isinstance(callee.module, InstanceResolver):
                return None
            return callee.module._returned_instance(callee.function, deeper.entering(callee.function, frame))
        if isinstance(node, ast.Name):
            return self._named_instance(node, deeper)
        if isinstance(node, ast.Subscript):
            element = returned_element(self, node, deeper)  # `load_settings()[0]`
            if element is None:
                entry = dict_entry(self, node, deeper)  # `{Env.prod: ProdSettings, ...}[env]`
                return self.instance_of(entry, deeper) if entry is not None else None
            if not isinstance(element[0], InstanceResolver):
                return None
            return element[0].instance_of(element[1], element[2])
        if isinstance(node, ast.Attribute):
            owner = self.instance_of(node.value, deeper)
            if owner is not None:
                return owner.module._field_instance(owner, node.attr, deeper)
            qualified = self.qualified_name(node)
            # `settings.app` of `from app.lib import settings`: the root is an imported name
            imported = {qualified.split(".")[0], dotted_name(node).split(".")[0]} if qualified else set()
            if qualified is not None and "." in qualified and imported & self.imports.keys():
                target = self.import_target(qualified)
                if (
                    isinstance(target, tuple)
                    and isinstance(target[0], InstanceResolver)
                    and target[0] is not self
                ):
                    return target[0].instance_named(target[1], deeper)
            return None
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            # `settings or get_settings()`: the first operand that is set
            for operand in node.values:
                found = self.instance_of(operand, deeper)
                if found is not None:
                    return found
                decided = truth(self.resolve(operand, deeper))
                if decided is None or decided.raw:
                    return None
        return None

    def _provided_instance(self, node: ast.Call, scope: Scope) -> Instance | None:
        """`container.settings()` of a dependency_injector container: what its provider makes."""
        if not isinstance(node.func, ast.Attribute) or node.args or node.keywords:
            return None
        owner = self.instance_of(node.func.value, scope)
        if owner is None:
            return None
        made = provided_call(owner.module, owner.class_def, node.func.attr)
        return owner.module.instance_of(made, scope) if made is not None else None

    def _named_instance(self, node: ast.Name, scope: Scope) -> Instance | None:
        if node.id in scope.names:
            return None
        found = self.lookup(node.id, node, scope)
        if found.kind == "value" and isinstance(found.node, ast.expr):
            return self.instance_of(found.node, scope)
        if found.kind == "definition" and isinstance(found.node, ast.ClassDef):
            return Instance(self, found.node, is_class=True)
        if found.kind == "import":
            target = self.import_target(found.qualified)
            if target is not None and isinstance(target[0], InstanceResolver):
                return target[0].instance_named(target[1], scope)
            return None
        if found.kind == "parameter" and found.function is not None:
            return self._parameter_instance(found.function, node.id, scope)
        if found.kind == "module":
            return self.instance_named(node.id, scope)
        return None

    def instance_named(self, name: str, scope: Scope) -> Instance | None:
        """The object a module-level name stands for, as another module sees it."""
        bound = self.binding(name)
        if bound is not None:
            return self.instance_of(bound[1], scope)
        if name in self.classes:
            return Instance(self, self.classes[name], is_class=True)
        qualified = self.imports.get(name)
        if qualified is not None and scope.depth < MAX_DEPTH:
            target = self.import_target(qualified)
            if target is not None and target[0] is not self and isinstance(target[0], InstanceResolver):
                return target[0].instance_named(target[1], scope.deeper())
        return None

    def bound_instances(self, node: ast.expr, scope: Scope) -> list[Instance]:
        """The objects a module-level name bound more than once may stand for (`try:
        settings = Settings()` / `except: settings = FallbackSettings()`), each binding an
        object of a project class; empty when any binding is something else."""
        if not isinstance(node, ast.Name) or node.id in scope.names or scope.depth > MAX_DEPTH:
            return []
        found = self.lookup(node.id, node, scope)
        imported = found.qualified if found.kind == "import" else None
        if found.kind == "module" and node.id not in self.assignments:
            imported = self.imports.get(node.id)
        if imported is not None:
            target = self.import_target(imported)
            if target is None or not isinstance(target[0], InstanceResolver) or target[0] is self:
                return []
            return target[0]._module_instances(target[1], scope.deeper())
        return self._module_instances(node.id, scope.deeper()) if found.kind == "module" else []

    def _module_instances(self, name: str, scope: Scope) -> list[Instance]:
        bound = [statement for statement, _ in self.assignments.get(name, [])]
        if len(bound) < 2 or not all(isinstance(s, ast.Try) and s is bound[0] for s in bound):
            return []
        made: list[Instance | None] = []
        for expression in _try_assignments(bound[0], name):  # type: ignore[arg-type]
            made.append(self._made_in_block(expression, scope))
        return [i for i in made if i is not None] if len(made) > 1 and all(made) else []

    def _made_in_block(self, expression: ast.expr, scope: Scope) -> Instance | None:
        """An object made where it stands, of a class the module or the block defines."""
        if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name) and not expression.args:
            found = self.lookup(expression.func.id, expression.func, scope)
            if found.kind == "definition" and isinstance(found.node, ast.ClassDef):
                return Instance(self, found.node, expression, self, scope)
        return self.instance_of(expression, scope)

    def class_at(self, node: ast.expr, scope: Scope) -> tuple[InstanceResolver, ast.ClassDef] | None:
        if isinstance(node, ast.Name):
            found = self.lookup(node.id, node, scope)
            if found.kind == "definition" and isinstance(found.node, ast.ClassDef):
                return self, found.node
            if found.kind not in {"module", "import"}:
                return None
        return self._project_class(node)

    def _project_class(self, node: ast.expr) -> tuple[InstanceResolver, ast.ClassDef] | None:
        found = self.class_named(node)
        return (found[0], found[1]) if found is not None and isinstance(found[0], InstanceResolver) else None

    def _parameter_instance(self, function: ast.AST, name: str, scope: Scope) -> Instance | None:
        frame = scope.frame(function)
        if frame is not None:
            bound = frame.arguments.get(name)
            if isinstance(bound, Instance):
                return bound
            if isinstance(bound, Argument) and isinstance(bound.module, InstanceResolver):
                return bound.module.instance_of(bound.node, bound.scope.deeper())
            return None
        names = parameter_names(function)
        owner = self._owner_class(function)
        if owner is not None and names and names[0] == name:
            # `self` of a method read where it stands: some object of that class
            is_class = any(dotted_name(d) == "classmethod" for d in getattr(function, "decorator_list", []))
            # the calls of a class are found as a function's are (by its name)
            made = self.call_sites(owner) if not is_class and owner in self.tree.body else []  # type: ignore[arg-type]
            if len(made) == 1 and isinstance(made[0][0], InstanceResolver):
                # a class the project makes once (`OpenCors(app)`): `self` is that object
                return Instance(self, owner, call=made[0][1], caller=made[0][0])
            return Instance(self, owner, is_class=is_class)
        if isinstance(function, FUNCTIONS) and function in self.tree.body:
            sites = self.call_sites(function)
            found: list[Instance] = []
            for module, call in sites:
                argument = module.bind_arguments(Callee(self, function), call, scope).arguments.get(name)
                if isinstance(argument, Argument) and isinstance(argument.module, InstanceResolver):
                    instance = argument.module.instance_of(argument.node, argument.scope.deeper())
                    if instance is None:
                        return None
                    found.append(instance)
            if found and all(i.class_def is found[0].class_def and i.call is found[0].call for i in found):
                return found[0]
            if sites:
                return None
        # called from no module read here (an app factory elsewhere hands it over): a
        # parameter annotated with a project class (`def cors_config(settings: Settings)`) is
        # an object of that class with its defaults (blind set 23, mcgeq/morado)
        annotation = parameter_annotation(function, name)
        return self._annotated_instance(annotation, scope) if annotation is not None else None

    def _owner_class(self, function: ast.AST) -> ast.ClassDef | None:
        for step in reversed(self.steps(function)):
            if isinstance(step.owner, ast.ClassDef) and function in step.owner.body:
                return step.owner
        return None

    def _returned_instance(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope
    ) -> Instance | None:
        reached = self._reached_return(function.body, scope)
        if isinstance(reached, str) or reached[0] is None or reached[0].value is None:
            return None
        return self.instance_of(reached[0].value, scope)

    def _method_callee(self, func: ast.expr, scope: Scope) -> Callee | None:
        """`obj.method` / `Class.method` for a method defined in the project."""
        if not isinstance(func, ast.Attribute):
            return None
        owner = self.instance_of(func.value, scope)
        if owner is None:
            return None
        found = owner.module._method(owner.class_def, func.attr, scope)
        if found is None:
            return None
        module, method = found
        decorators = {dotted_name(d) for d in method.decorator_list}
        if "staticmethod" in decorators:
            return Callee(module, method)
        if owner.is_class and "classmethod" not in decorators:
            return None
        return Callee(module, method, owner)

    # -- attributes ------------------------------------------------------------------------
    def attribute_value(self, instance: Instance, name: str, scope: Scope) -> Value | None:
        """The value `instance.name` has, None when the class says nothing of it."""
        value = self._made_value(instance, name, scope)
        found = (
            None
            if value is None or instance.is_class
            else self._method(instance.class_def, "__post_init__", scope)
        )
        return (
            value
            if found is None or value is None
            else post_init_value(found[0], found[1], name, value, scope)
        )

    def _made_value(self, instance: Instance, name: str, scope: Scope) -> Value | None:
        """`instance.name` as the making call, `__init__` or the class declare it."""
        overridden = False
        data = instance.data.raw if instance.data is not None else None
        if isinstance(data, dict) and isinstance(data.get(name), Value):
            given_data: Value = data[name]
            return given_data
        if instance.call is not None and instance.caller is not None and not instance.is_class:
            given = self._argument(instance, name)
            if isinstance(given, Value):
                return given
            overridden = given == "maybe"
        if not instance.is_class:
            assigned = self._init_assignment(instance, name, scope)
            if assigned is not None:
                return assigned
        field = self.class_field(instance.class_def, name, scope)
        if field is not None:
            if instance.env_var is not None and field.known and field.env_var is None:
                field = as_env_default(field, instance.env_var, field.location, Provenance.SETTINGS_DEFAULT)
            if overridden and field.known and field.provenance in (Provenance.LITERAL, Provenance.CONSTANT):
                field = Value(
                    field.raw,
                    field.location,
                    Provenance.SETTINGS_DEFAULT,
                    None,
                    field.description,
                    field.related,
                )
            return field
        found = self._method(instance.class_def, name, scope)
        if found is not None and not instance.is_class:
            module, method = found
            decorators = {dotted_name(d).split(".")[-1] for d in method.decorator_list}
            if decorators & {"property", "cached_property"}:
                frame = Frame({parameter_names(method)[0]: instance} if parameter_names(method) else {})
                return module.returned(method, scope.entering(method, frame))
        return None

    def _argument(self, instance: Instance, name: str) -> Value | str:
        """The argument the making call passes for a field: a Value, "maybe" when an
        unreadable `**mapping` may set it, or "" when it passes none."""
        assert instance.call is not None and instance.caller is not None
        aliases = {name, *(a for a in [self._alias(instance.class_def, name)] if a)}
        maybe = ""
        for keyword in instance.call.keywords:
            if keyword.arg in aliases:
                return instance.caller.resolve(keyword.value, instance.scope.deeper())
            if keyword.arg is None:
                expanded = instance.caller.resolve(keyword.value, instance.scope.deeper())
                if expanded.known and isinstance(expanded.raw, dict):
                    for key in aliases:
                        if key in expanded.raw:
                            return moved(expanded.raw[key], expanded.raw[key].location)
                else:
                    maybe = "maybe"
        if instance.call.args:
            fields = self.field_names(instance.class_def, instance.scope)
            if not _has_own_init(instance.class_def) and name in fields:
                index = fields.index(name)
                positional = [a for a in instance.call.args if not isinstance(a, ast.Starred)]
                if len(positional) != len(instance.call.args):
                    return "maybe"
                if index < len(positional):
                    return instance.caller.resolve(positional[index], instance.scope.deeper())
        return maybe

    def _alias(self, class_def: ast.ClassDef, name: str) -> str | None:
        for statement in class_def.body:
            if (
                isinstance(statement, ast.AnnAssign)
                and dotted_name(statement.target) == name
                and statement.value
            ):
                return field_alias(statement.value)
        return None

    def _init_assignment(self, instance: Instance, name: str, scope: Scope) -> Value | None:
        """`self.NAME = ...` in the class's own `__init__`, evaluated for this object: the
        last assignment on the path `__init__` takes (its `if`s decided with its arguments)."""
        found = self._method(instance.class_def, "__init__", scope)
        if found is None:
            return None
        module, init = found
        names = parameter_names(init)
        if not names or not any(
            is_self_attribute(t, names[0], name) for node in ast.walk(init) for t in targets_of(node)
        ):
            return None
        if instance.call is not None and instance.caller is not None:
            frame = instance.caller.bind_arguments(
                Callee(module, init, instance), instance.call, instance.scope
            )
        else:
            frame = Frame({names[0]: instance})
        inner = scope.entering(init, frame)
        last = module.last_assignment(init.body, names[0], name, inner)
        if isinstance(last, str):
            return module.unknown(init, f"self.{name} ({last} in {instance.class_def.name}.__init__)")
        if last is None:
            return None
        return module.resolve(last, inner)

    def _field_instance(self, owner: Instance, name: str, scope: Scope) -> Instance | None:
        """The object a field of `owner` holds, when it is a project object (a section)."""
        data = self._section_data(owner, name)
        if data is None and owner.call is not None and owner.caller is not None and not owner.is_class:
            for keyword in owner.call.keywords:
                if keyword.arg == name:
                    return owner.caller.instance_of(keyword.value, owner.scope.deeper())
        found = self._declared_section(owner, name, scope)
        if found is not None and data is not None:
            return Instance(
                found.module, found.class_def, found.call, found.caller, found.scope, found.env_var, data=data
            )
        return found

    def _section_data(self, owner: Instance, name: str) -> Value | None:
        """The mapping a section is made from, when its owner was made from one."""
        mappings: list[Value] = []
        if owner.data is not None:
            mappings.append(owner.data)
        if owner.call is not None and owner.caller is not None and not owner.is_class:
            for keyword in owner.call.keywords:
                if keyword.arg is None:
                    mappings.append(owner.caller.resolve(keyword.value, owner.scope.deeper()))
        for mapping in mappings:
            if mapping.known and isinstance(mapping.raw, dict) and name in mapping.raw:
                section = mapping.raw[name]
                return section if section.known and isinstance(section.raw, dict) else None
        return None

    def _declared_section(self, owner: Instance, name: str, scope: Scope) -> Instance | None:
        """The class a field of `owner` is declared or defaulted to hold, as an object."""
        for statement in owner.class_def.body:
            if isinstance(statement, ast.AnnAssign):
                target: ast.expr = statement.target
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            else:
                continue
            if dotted_name(target) != name:
                continue
            value = statement.value
            env_var = self._section_env_var(owner, name, scope)
            found: Instance | None = None
            if value is not None:
                factory = field_factory(value)
                if factory is not None:
                    made = self.class_at(factory, scope)
                    found = Instance(made[0], made[1]) if made is not None else None
                    if found is None and isinstance(factory, ast.Lambda):
                        found = self.instance_of(factory.body, scope)
                else:
                    default = field_default(value)
                    found = self.instance_of(default, scope) if default is not None else None
            if found is None and isinstance(statement, ast.AnnAssign) and _may_be_filled(owner):
                found = self._annotated_instance(statement.annotation, scope)
            if found is not None and env_var is not None:
                found = Instance(
                    found.module, found.class_def, found.call, found.caller, found.scope, env_var
                )
            return found
        for base in owner.class_def.bases:
            inherited = self._project_class(base)
            if inherited is not None and inherited[1] is not owner.class_def and scope.depth < MAX_DEPTH:
                parent = Instance(
                    inherited[0], inherited[1], owner.call, owner.caller, owner.scope, owner.env_var
                )
                return inherited[0]._declared_section(parent, name, scope.deeper())
        return None

    def _annotated_instance(self, annotation: ast.expr, scope: Scope) -> Instance | None:
        """A field declared as a project class (`project: ProjectSettings`, also
        `Optional[X]` / `X | None`): an object of that class whose fields keep their defaults."""
        candidates: list[ast.expr] = [annotation]
        if (
            isinstance(annotation, ast.Subscript)
            and dotted_name(annotation.value).split(".")[-1] == "Optional"
        ):
            candidates = [annotation.slice]
        elif isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            candidates = [s for s in (annotation.left, annotation.right) if not _is_none(s)]
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return None
        if len(candidates) != 1:
            return None
        made = self.class_at(candidates[0], scope)
        return Instance(made[0], made[1]) if made is not None else None

    def _section_env_var(self, owner: Instance, name: str, scope: Scope) -> str | None:
        if owner.env_var is not None:
            return owner.env_var
        if self.is_settings_class(owner.class_def, scope):
            return self.settings_env_var(owner.class_def, name, None, scope)
        return None

    # -- methods of objects corslint knows ----------------------------------------------
    def method_value(self, call: ast.Call, scope: Scope) -> Value | None:
        """`section.model_dump()` / `.dict()` of a pydantic object, or a project method."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        owner = self.instance_of(func.value, scope)
        if owner is None:
            return None
        if (
            func.attr in _DUMP_METHODS
            and owner.module.is_model_class(owner.class_def, scope)
            and not owner.is_class
        ):
            return self._dump(owner, call, scope)
        callee = self._method_callee(func, scope)
        if callee is None:
            return None
        return self.evaluate(callee, call, scope)

    def dump_dataclass(self, call: ast.Call, scope: Scope) -> Value | None:
        """`dataclasses.asdict(obj)` / `attrs.asdict(obj)`."""
        if len(call.args) != 1 or call.keywords:
            return None
        owner = self.instance_of(call.args[0], scope)
        if owner is None or owner.is_class:
            return None
        return self._dump(owner, call, scope)

    def _dump(self, owner: Instance, call: ast.Call, scope: Scope) -> Value:
        names = owner.module.field_names(owner.class_def, scope)
        excluded: set[Any] = set()
        for keyword in call.keywords:
            option = self.resolve(keyword.value, scope)
            if (
                keyword.arg in {"exclude", "include"}
                and option.known
                and isinstance(option.raw, (tuple, dict))
            ):
                keys = set(option.raw) if isinstance(option.raw, dict) else {item.raw for item in option.raw}
                excluded |= keys if keyword.arg == "exclude" else set(names) - keys
            elif (
                keyword.arg in {"mode", "by_alias"}
                and option.known
                and option.raw in ("python", "json", False)
            ):
                continue
            else:
                return self.unknown(call, f"{self.source(call)} ({keyword.arg}=)")
        entries: dict[Any, Value] = {}
        location = self.location(call)
        for name in names:
            if name in excluded:
                continue
            value = owner.module.attribute_value(owner, name, scope.deeper())
            entries[name] = (
                value if value is not None else self.unknown(call, f"{owner.class_def.name}.{name}")
            )
        return Value(entries, location)


def _may_be_filled(owner: Instance) -> bool:
    """Whether a field without a default can hold an object made with its class's defaults:
    the owner comes from a mapping corslint cannot read through (`**config`), or from no
    call at all (`self`); a known call that leaves a required field out would not run."""
    if owner.call is None:
        return True
    return any(keyword.arg is None for keyword in owner.call.keywords)


def _has_own_init(class_def: ast.ClassDef) -> bool:
    return any(isinstance(s, FUNCTIONS) and s.name == "__init__" for s in class_def.body)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _try_assignments(statement: ast.Try, name: str) -> list[ast.expr]:
    """What `name = ...` statements directly in a `try`'s body, handlers and `else` bind
    it to; empty when something else binds it there too."""
    blocks = [statement.body, *(handler.body for handler in statement.handlers), statement.orelse]
    found: list[ast.expr] = []
    for block in blocks:
        for inner in block:
            if (
                isinstance(inner, ast.Assign)
                and len(inner.targets) == 1
                and isinstance(inner.targets[0], ast.Name)
                and inner.targets[0].id == name
            ):
                found.append(inner.value)
            elif name in _names_bound_by(inner):
                return []
    return found


def _names_bound_by(statement: ast.stmt) -> set[str]:
    return {
        node.id
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
