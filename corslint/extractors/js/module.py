"""The value resolver over one parsed JS/TS file.

The resolver mirrors the Python one (``extractors.python``): it folds literals, names bound once (``const``,
or ``let``/``var`` never reassigned), object spread and later property assignment
(``opts.credentials = true``), string concatenation and template literals, ``split`` /
``map(trim)`` / ``filter(Boolean)`` on known strings, ``process.env.X || default`` (the
default is judged, "when X is unset"), ``new RegExp("literal", "flags")``, ``new Set([...])``
and imports of in-tree JSON / YAML / JS modules and node-config's ``config.get("key")``.
Anything else is an unknown `Value`, reported by CORS305, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from corslint.extractors.config_files.data_files import load_data_file
from corslint.extractors.js.bound_reads import destructured_binding, with_property_assignments
from corslint.extractors.js.class_fields import class_field_value
from corslint.extractors.js.comparisons import folded
from corslint.extractors.js.config_service import config_service_env
from corslint.extractors.js.constructed_values import constructed_value
from corslint.extractors.js.conversions import (
    arm_when_unset,
    convert,
    js_text,
    merged,
    numeric,
    production_arm,
    short,
    truthy,
    weaker,
)
from corslint.extractors.js.convict_config import convict_config, convict_get
from corslint.extractors.js.decorated_values import decorated_value
from corslint.extractors.js.dotenv_values import committed_env_value
from corslint.extractors.js.egg_middleware_options import egg_middleware_options
from corslint.extractors.js.enum_members import enum_object
from corslint.extractors.js.env_comparisons import compared_unset, node_config_parameter
from corslint.extractors.js.env_schemas import schema_parsed_env, t3_created_env
from corslint.extractors.js.envalid_env import envalid_cleaned_env
from corslint.extractors.js.helper_returns import helper_result
from corslint.extractors.js.implicit_globals import implicit_global
from corslint.extractors.js.list_pushes import with_list_pushes
from corslint.extractors.js.nest_registered_config import registered_config_value
from corslint.extractors.js.object_assign import assigned_object
from corslint.extractors.js.options_factories import factory_result
from corslint.extractors.js.parsed_module import ParsedModule, require_specifier
from corslint.extractors.js.scoped_bindings import scoped_binding
from corslint.extractors.js.set_additions import with_set_additions
from corslint.extractors.js.set_chains import set_chain
from corslint.extractors.js.settled_lets import settled_let
from corslint.extractors.js.source_parsing import parsed_root
from corslint.extractors.js.syntax import (
    Node,
    number_value,
    parameter_default_node,
    string_value,
    unescape,
    unwrap,
)
from corslint.extractors.js.value_methods import method_result
from corslint.model import FunctionValue, Location, Provenance, Regex, Value

_ENV_TEST = re.compile(r"\(?!*\(?process\.env(?:\.\w+|\[['\"`]\w+['\"`]\])\)?")

_MAX_DEPTH = 40


class ModuleLoader(Protocol):
    """What a module asks of the project that loaded it (a `JsProject`): values imported
    from other files, node-config, and the display paths of the files it reads."""

    config_cache: dict[str, Value | None]

    def imported(self, importer: JsModule, specifier: str, exported: str, use: Location) -> Value | None: ...

    def node_config(self, importer: JsModule, key: str) -> Value | None: ...

    def display(self, importer: JsModule, target: Path) -> str: ...

    def resolve_specifier(self, importer: JsModule, specifier: str) -> Path | None: ...

    def load(self, file: Path, display: str) -> JsModule | None: ...

    def dependencies(self, importer: JsModule) -> frozenset[str]: ...

    def loaded(self, display: str) -> JsModule | None: ...


@dataclass
class JsModule(ParsedModule):
    """A parsed JS/TS file that resolves its expressions to values, with provenance."""

    project: ModuleLoader | None = None
    _resolving: set[int] = field(default_factory=set)
    _top_functions: dict[str, Node] | None = None

    def top_function(self, name: str) -> Node | None:
        """`function name(...) {}` at the top of the module (also when exported), the first
        of that name; indexed once, as a bundle asks for hundreds of names."""
        if self._top_functions is None:
            index: dict[str, Node] = {}
            for node in self.of_kind("function_declaration"):
                declared = node.child_by_field_name("name")
                top = node.parent is not None and node.parent.type in {"program", "export_statement"}
                if top and declared is not None:
                    index.setdefault(self.text(declared), node)
            self._top_functions = index
        return self._top_functions.get(name)

    # -- resolution ----------------------------------------------------------------
    def resolve(self, node: Node, depth: int = 0) -> Value:
        """The value of an expression, with provenance; unknown when it cannot be known."""
        node = unwrap(node)
        location = self.location(node)
        if depth > _MAX_DEPTH or node.id in self._resolving:
            return self.unknown(node)
        self._resolving.add(node.id)
        try:
            return self._resolve(node, location, depth + 1)
        finally:
            self._resolving.discard(node.id)

    def unknown(self, node: Node, env_var: str | None = None) -> Value:
        description = self.text(node)
        if len(description) > 80:
            description = description[:77] + "..."
        return Value(None, self.location(node), Provenance.UNKNOWN, env_var, description)

    def _resolve(self, node: Node, location: Location, depth: int) -> Value:
        kind = node.type
        text = string_value(node)
        if text is not None:
            return Value(text, location)
        if kind == "template_string":
            return self._template(node, location, depth)
        if kind == "number":
            number = number_value(self.text(node))
            return self.unknown(node) if number is None else Value(number, location)
        if kind in {"true", "false"}:
            return Value(kind == "true", location)
        if kind in {"null", "undefined"} or (kind == "identifier" and self.text(node) == "undefined"):
            return Value(None, location)
        if kind == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            return Value(
                Regex(self.text(pattern) if pattern is not None else "", self.text(flags) if flags else ""),
                location,
            )
        if kind == "array":
            return self._array(node, location, depth)
        if kind == "object":
            return self._object(node, location, depth)
        if kind == "enum_body":
            return enum_object(self, node, location)
        if kind == "identifier":
            return self._name(node, location, depth)
        if kind in {"member_expression", "subscript_expression"}:
            return self._member(node, location, depth)
        if kind == "binary_expression":
            return self._binary(node, location, depth)
        if kind == "ternary_expression":
            return self._ternary(node, depth)
        if kind in {"new_expression", "call_expression"}:
            return self._call(node, location, depth)
        if kind in {"arrow_function", "function_expression", "function", "function_declaration"}:
            return Value(FunctionValue("unknown"), location, description=short(self.text(node)))
        if kind == "assignment_expression" and node.child_by_field_name("right") is not None:
            # `module.exports = corsOptions = {...}`: an assignment's value is its right side
            return self.resolve(node.child_by_field_name("right"), depth + 1)
        if kind == "unary_expression" and node.child_by_field_name("operator") is not None:
            operator = self.text(node.child_by_field_name("operator"))
            argument = self.resolve(node.child_by_field_name("argument"), depth)
            if operator == "!" and argument.known and not isinstance(argument.raw, (tuple, dict)):
                return Value(not bool(argument.raw), location, argument.provenance, argument.env_var)
            if operator == "-" and argument.known and isinstance(argument.raw, (int, float)):
                return Value(-argument.raw, location, argument.provenance, argument.env_var)
        return self.unknown(node)

    def _template(self, node: Node, location: Location, depth: int) -> Value:
        parts: list[str] = []
        provenance = Provenance.LITERAL
        env_var = None
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                parts.append(unescape(self.text(child)))
            elif child.type == "template_substitution":
                inner = [c for c in child.named_children if c.type != "comment"]
                if not inner:
                    return self.unknown(node)
                value = self.resolve(inner[0], depth)
                if not value.known or isinstance(value.raw, (tuple, dict, Regex, FunctionValue)):
                    return self.unknown(node, value.env_var)
                parts.append(js_text(value.raw))
                provenance = weaker(provenance, value.provenance)
                env_var = env_var or value.env_var
        return Value("".join(parts), location, merged(provenance), env_var)

    def _array(self, node: Node, location: Location, depth: int) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = self._spread(child.named_children[0], depth)
                if not inner.known or not isinstance(inner.raw, tuple):
                    return self.unknown(node, inner.env_var)
                items.extend(inner.raw)
                continue
            items.append(self.resolve(child, depth))
        return Value(tuple(items), location)

    def _spread(self, node: Node, depth: int) -> Value:
        """A spread's value; `...(process.env.X ? [...] : [])` (an addition made only when a
        variable is set) is judged with the variable unset, as its other reads are
        (postiz-app `apps/backend/src/main.ts` builds NestJS's cors options this way)."""
        inner = self.resolve(node, depth)
        ternary = unwrap(node)
        if inner.known or ternary.type != "ternary_expression":
            return inner
        test = ternary.child_by_field_name("condition")
        if test is None or not _ENV_TEST.fullmatch(self.text(test).replace(" ", "")):
            return inner
        taken = arm_when_unset(self, test)
        if taken is None:
            return inner
        arm = self.resolve(ternary.child_by_field_name("consequence" if taken else "alternative"), depth)
        return arm if arm.known else inner

    def _object(self, node: Node, location: Location, depth: int) -> Value:
        entries: dict[str, Value] = {}
        for child in node.named_children:
            if child.type == "pair":
                key = self._key(child.child_by_field_name("key"), depth)
                if key is None:
                    return self.unknown(node)
                entries[key] = self.resolve(child.child_by_field_name("value"), depth)
            elif child.type == "shorthand_property_identifier":
                entries[self.text(child)] = self._name(child, self.location(child), depth)
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                if name is None:
                    return self.unknown(node)
                entries[self.text(name).strip("'\"")] = Value(
                    FunctionValue("unknown"), self.location(child), description=short(self.text(child))
                )
            elif child.type == "spread_element":
                inner = self._spread(child.named_children[0], depth)
                if not inner.known or not isinstance(inner.raw, dict):
                    entries["**"] = inner if not inner.known else self.unknown(child)
                    continue
                entries.update(inner.raw)
        return Value(entries, location)

    def _key(self, key: Node | None, depth: int) -> str | None:
        if key is None:
            return None
        if key.type in {"property_identifier", "identifier"}:
            return self.text(key)
        if key.type == "number":
            return self.text(key)
        text = string_value(key)
        if text is not None:
            return text
        if key.type == "computed_property_name" and key.named_children:
            value = self.resolve(key.named_children[0], depth)
            if value.known and isinstance(value.raw, str):
                return value.raw
        return None

    def _name(self, node: Node, location: Location, depth: int) -> Value:
        name = self.text(node)
        if name in self.imports and self.project is not None:
            specifier, exported = self.imports[name]
            imported = self.project.imported(self, specifier, exported, location)
            if imported is not None:
                return imported
            return self.unknown(node)
        bound = self.binding(name)
        if bound is None:  # two functions' own `const allowed = ...` (census 11 C2)
            bound = scoped_binding(self, name, node)
        if bound is None:
            settled = settled_let(self, name, node, location, depth)
            if settled is not None:  # `let cors; if (isDev) cors = {...}` as deployed
                return settled
            function = self._function_declaration(name)
            if function is not None:
                return Value(FunctionValue("unknown"), location, description=name)
            destructured = destructured_binding(self, name, depth)
            if destructured is not None:  # an unknown one is reported where it is read
                return destructured if destructured.known else self.unknown(node, destructured.env_var)
            implicit = implicit_global(self, node, name)
            if implicit is not None:  # `allowed = new Set()...` without a declaration
                return self.resolve(implicit, depth)
            egg = egg_middleware_options(self, node, name)  # Egg hands it `config.<middleware>`
            if egg is not None:  # (or `{}`): a parameter default never applies there
                return egg
            default = parameter_default_node(node, name)
            if default is not None:  # `function setCors(res, origin = "*")`: the default is judged
                value = self.resolve(default, depth)
                if value.known:
                    return Value(
                        value.raw,
                        value.location,
                        Provenance.ENV_DEFAULT,
                        f"the `{name}` argument",
                        name,
                        value.related,
                    )
            return self.unknown(node)
        value = (
            with_set_additions(self, name, bound, node, location, depth)
            or with_list_pushes(self, name, bound, node, location, depth)
            or self.resolve(bound, depth)
        )
        value = with_property_assignments(self, name, value, node, depth)
        if not value.known:
            return Value(None, location, Provenance.UNKNOWN, value.env_var, value.description or name)
        provenance = Provenance.CONSTANT if value.provenance is Provenance.LITERAL else value.provenance
        if value.location.path.endswith((".json", ".yaml", ".yml", ".toml")):
            return value  # config files are reported at their own lines
        return Value(
            value.raw,
            location,
            provenance,
            value.env_var,
            value.description,
            (value.location, *value.related),
        )

    def member_key(self, node: Node, depth: int) -> str | None:
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        if index is None:
            return None
        value = self.resolve(index, depth)
        return value.raw if value.known and isinstance(value.raw, str) else None

    def _member(self, node: Node, location: Location, depth: int) -> Value:
        env = self.env_name(node)
        if env is not None:
            return committed_env_value(self, env, location) or self.unknown(node, env)
        key = self.member_key(node, depth)
        holder_node = node.child_by_field_name("object")
        if (
            key is not None
            and self.project is not None
            and (self._is_node_config(holder_node) or node_config_parameter(self, holder_node))
        ):
            configured = self.project.node_config(self, key)  # node-config also reads as `config.cors`
            if configured is not None:
                return configured
        decorated = decorated_value(self, node)  # `app.decorate("conf", value)`, read as `app.conf`
        if decorated is not None:
            return self.resolve(decorated, depth + 1)
        field = class_field_value(self, node)  # `this.corsOptions`, a settled class field
        if field is not None:
            return self.resolve(field, depth + 1)
        holder = self.resolve(holder_node, depth)
        if holder.known and isinstance(holder.raw, dict) and key is not None:
            if key in holder.raw:  # one unknown in another module is reported where it is read
                found: Value = holder.raw[key]
                elsewhere = not found.known and found.location.path != self.path
                return self.unknown(node, found.env_var) if elsewhere else found
            if "**" not in holder.raw:
                return Value(None, location)  # a missing property reads as undefined
        if holder.known and isinstance(holder.raw, (tuple, str)) and key == "length":
            return Value(len(holder.raw), location, holder.provenance, holder.env_var)
        if holder.known and isinstance(holder.raw, tuple) and node.type == "subscript_expression":
            index = self.resolve(node.child_by_field_name("index"), depth)
            if index.known and isinstance(index.raw, int) and not isinstance(index.raw, bool):
                if 0 <= index.raw < len(holder.raw):
                    item: Value = holder.raw[index.raw]
                    return Value(item.raw, item.location, holder.provenance, holder.env_var, item.description)
                return Value(None, location)  # past the end: undefined
        return self.unknown(node, holder.env_var)

    def _binary(self, node: Node, location: Location, depth: int) -> Value:
        operator_node = node.child_by_field_name("operator")
        operator = self.text(operator_node) if operator_node is not None else ""
        left = self.resolve(node.child_by_field_name("left"), depth)
        right_node = node.child_by_field_name("right")
        if operator in {"||", "??"}:
            if not left.known and self._throws_when_unset(node.child_by_field_name("left"), depth):
                return self.unknown(node, left.env_var)
            if not left.known:
                # `process.env.X || d`, `options.allowOrigin || ["*"]`: the default is judged,
                # "when X is unset" (a value the code reads and cannot be known otherwise)
                right = self.resolve(right_node, depth)
                if not right.known:
                    return self.unknown(node, left.env_var)
                return Value(
                    right.raw,
                    right.location,
                    Provenance.ENV_DEFAULT,
                    left.env_var or short(self.text(node.child_by_field_name("left")), 60),
                    self.text(node),
                    right.related,
                )
            keeps_left = left.raw is not None if operator == "??" else truthy(left.raw)
            if keeps_left:
                return left
            right = self.resolve(right_node, depth)
            unset_name = left.env_var if left.provenance is Provenance.ENV_DEFAULT else None
            if unset_name and right.known and not right.env_var:
                # `(process.env.X || "").split(",")[0] || "*"`: the default an unset X leads to
                return Value(right.raw, right.location, Provenance.ENV_DEFAULT, unset_name, self.text(node))
            return right
        if operator == "+":
            right = self.resolve(right_node, depth)
            if not (left.known and right.known):
                return self.unknown(node, left.env_var or right.env_var)
            if isinstance(left.raw, str) or isinstance(right.raw, str):
                if isinstance(left.raw, (dict, FunctionValue)) or isinstance(
                    right.raw, (dict, FunctionValue)
                ):
                    return self.unknown(node)
                provenance = merged(weaker(left.provenance, right.provenance))
                return Value(
                    js_text(left.raw) + js_text(right.raw),
                    location,
                    provenance,
                    left.env_var or right.env_var,
                )
            if numeric(left.raw) and numeric(right.raw):
                return Value(
                    left.raw + right.raw, location, merged(weaker(left.provenance, right.provenance))
                )
        if (
            folded_value := folded(operator, left, lambda: self.resolve(right_node, depth), location)
        ) is not None:
            return folded_value
        if operator in {"===", "!==", "==", "!="}:
            unset = compared_unset(self, node, left, depth)
            if unset is not None:
                return unset
        if operator == "*":
            right = self.resolve(right_node, depth)
            if left.known and right.known and numeric(left.raw) and numeric(right.raw):
                return Value(
                    left.raw * right.raw, location, merged(weaker(left.provenance, right.provenance))
                )
        return self.unknown(node)

    def _ternary(self, node: Node, depth: int) -> Value:
        """`test ? a : b`: the arm a known test picks; with a test on a value read from
        elsewhere (`typeof opts.origins === "string" ? [opts.origins] : opts.origins ?? ["*"]`),
        the arm taken when that value is unset, if it holds a judged default."""
        test = self.resolve(node.child_by_field_name("condition"), depth)
        consequence, alternative = (
            node.child_by_field_name("consequence"),
            node.child_by_field_name("alternative"),
        )
        if test.known:
            chosen = self.resolve(consequence if truthy(test.raw) else alternative, depth)
            if test.provenance is Provenance.ENV_DEFAULT and chosen.known and not chosen.env_var:
                # `env.X !== "0" ? {} : {...}`: the arm the unset variable picks, judged so
                return Value(
                    chosen.raw, chosen.location, Provenance.ENV_DEFAULT, test.env_var, "", chosen.related
                )
            return chosen
        production = production_arm(self, node.child_by_field_name("condition"))
        if production is not None:
            # `NODE_ENV === "production" ? a : b`: the deployed configuration is judged
            value = self.resolve(consequence if production else alternative, depth)
            if value.known:
                return value
        taken = arm_when_unset(self, node.child_by_field_name("condition"))
        if taken is not None:
            value = self.resolve(consequence if taken else alternative, depth)
            if value.known and value.provenance is Provenance.ENV_DEFAULT:
                return value
            if value.known and test.env_var:  # `process.env.X ? X.split(",") : [...]`: X unset
                return Value(
                    value.raw, value.location, Provenance.ENV_DEFAULT, test.env_var, "", value.related
                )
        return self.unknown(node, test.env_var)

    def _throws_when_unset(self, node: Node | None, depth: int) -> bool:
        """`JSON.parse(process.env.X)`: with X unset it throws (`JSON.parse(undefined)`), so a
        `|| d` after it is never the unset value, and the variable's content decides."""
        node = unwrap(node) if node is not None else None
        if node is None or node.type != "call_expression":
            return False
        if self.text(node.child_by_field_name("function")).replace(" ", "") != "JSON.parse":
            return False
        arguments = node.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if not named:
            return False
        argument = self.resolve(named[0], depth)
        return not argument.known and bool(argument.env_var)

    def _call(self, node: Node, location: Location, depth: int) -> Value:
        function = unwrap(node.child_by_field_name("function") or node.child_by_field_name("constructor"))
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        if function is None:
            return self.unknown(node)
        callee = self.text(function)
        if node.type == "new_expression" or callee in {"RegExp"}:
            return constructed_value(self, node, callee, arguments, location, depth)
        specifier = require_specifier(self, node)
        if specifier is not None and self.project is not None:
            imported = self.project.imported(self, specifier, "*", location)
            return imported if imported is not None else self.unknown(node)
        if (assigned := assigned_object(self, callee, arguments, location, depth)) is not None:
            return assigned  # `Object.assign({}, defaults, options)`
        if callee == "Array.from" and len(arguments) == 1:  # `Array.from(new Set([...]))`
            copied = self.resolve(arguments[0], depth)
            if copied.known and isinstance(copied.raw, tuple):
                return copied
        created = (
            t3_created_env(self, function, arguments, depth)
            or envalid_cleaned_env(self, function, arguments, depth)
            or convict_config(self, function, arguments, depth)
        )
        if created is not None:  # t3-env `createEnv({...})`, envalid `cleanEnv(process.env, {...})`
            return created
        if function.type == "member_expression":
            method_node = function.child_by_field_name("property")
            method = self.text(method_node) if method_node is not None else ""
            receiver_node = function.child_by_field_name("object")
            env = config_service_env(self, receiver_node, method, arguments)
            if env is not None:  # NestJS `configService.get('FRONT_URL')`
                return committed_env_value(self, env, location) or self.unknown(node, env)
            registered = registered_config_value(self, receiver_node, method, arguments, location, depth)
            if registered is not None:  # `configService.getOrThrow('app.corsOrigins')` of `registerAs('app')`
                return registered
            parsed_env = schema_parsed_env(self, function, arguments, depth)
            if parsed_env is not None:  # zod `envSchema.parse(process.env)`
                return parsed_env
            if method == "get" and len(arguments) == 1 and self.project is not None:
                key = string_value(arguments[0])
                if key is not None and self._is_node_config(receiver_node):
                    found = self.project.node_config(self, key)
                    if found is not None:
                        return found
            if method in {"parse", "load", "safeLoad"} and arguments and self.project is not None:
                target = self.read_file_target(arguments[0])
                if target is not None:  # yaml.load(fs.readFileSync(...)), JSON.parse(...)
                    loaded = load_data_file(
                        target, self.project.display(self, target), self.project.config_cache
                    )
                    if loaded is not None:
                        return loaded
            if method == "add":  # `new Set().add(a).add(b)`: the Set's entries
                chained = set_chain(self, node, location, depth)
                if chained is not None:
                    return chained
            helper = helper_result(self, function, arguments, location, depth)
            if helper is not None:  # `config.getOrigins()` on `require("./config")`
                return helper
            receiver = self.resolve(receiver_node, depth)
            if callee in {"JSON.parse"} or not receiver.known:
                return self.unknown(node, receiver.env_var)
            setting = convict_get(self, receiver, arguments, node, depth) if method == "get" else None
            if setting is not None:  # `config.get('cors.origin')` of a convict schema
                return setting
            return method_result(self, receiver, method, arguments, node, location, depth)
        if callee in {"String", "Number", "parseInt", "parseFloat", "Boolean"} and arguments:
            inner = self.resolve(arguments[0], depth)
            if not inner.known:
                return self.unknown(node, inner.env_var)
            converted = convert(callee, inner.raw)
            return (
                self.unknown(node)
                if converted is None
                else Value(converted, location, merged(inner.provenance), inner.env_var)
            )
        return (
            helper_result(self, function, arguments, location, depth)
            or factory_result(self, function, arguments, location, depth)  # `getCorsOptions(origin)`
            or self.unknown(node)
        )


def parse(path: str, text: str, file: Path | None = None) -> JsModule:
    """Parse a JS/TS file; a syntax error becomes a `SourceError` (CORS001), with the
    tolerances `source_parsing.parsed_root` allows."""
    source, root = parsed_root(path, text)
    return JsModule(path, file, source, root)
