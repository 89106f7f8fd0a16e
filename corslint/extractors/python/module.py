"""A Python module's values, resolved across files: names bound here or imported,
star imports, settings-class fields, and the calls the resolver knows."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from corslint.extractors.python.app_objects import AppObject
from corslint.extractors.python.cli_arguments import option_default
from corslint.extractors.python.compose_env import compose_value
from corslint.extractors.python.data_files import DataFileResolver
from corslint.extractors.python.functions import CallResolver
from corslint.extractors.python.library_constants import library_header_name
from corslint.extractors.python.pydantic_validators import ValidationInfo
from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Scope
from corslint.extractors.python.star_exports import star_imported_names
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import (
    UNSET,
    as_env_default,
    convert,
    from_json,
    is_unset_read,
    moved,
    string_method,
    under_condition,
)
from corslint.model import Location, Provenance, Regex, Value

ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_RE_FLAGS = {
    "IGNORECASE": "i",
    "I": "i",
    "MULTILINE": "m",
    "M": "m",
    "DOTALL": "s",
    "S": "s",
    "VERBOSE": "x",
    "X": "x",
    "ASCII": "a",
    "A": "a",
}


# A hook lets an extractor teach the resolver a call it knows (django-environ's
# env.list, python-decouple's config ...). It returns None when the call is not its own.
CallHook = Callable[["PythonModule", ast.Call, str, "Scope"], "Value | None"]
CALL_HOOKS: list[CallHook] = []  # extractors register theirs when imported
# the same for `obj.NAME` on an object a library builds (a Dynaconf settings object)
AttributeHook = Callable[["PythonModule", ast.Attribute, "Scope"], "Value | None"]
ATTRIBUTE_HOOKS: list[AttributeHook] = []


class ModuleLoader(Protocol):
    """What a module asks of the project that loaded it: `PythonProject`, which imports
    this module, seen here without importing it back."""

    def module_at(self, path: Path, display: str | None = None) -> PythonModule | None: ...

    def parse(self, path: str, text: str) -> PythonModule: ...

    def resolved(self, path: str | Path) -> Path: ...

    def lookup(self, importer: PythonModule, qualified: str) -> tuple[PythonModule, str] | None: ...

    def find_module(self, importer: PythonModule, module_name: str) -> Path | None: ...

    def display_path(self, importer: str, target: Path) -> str: ...

    def call_sites(self, module: PythonModule, function: ast.AST) -> list[tuple[PythonModule, ast.Call]]: ...

    def load_data(self, importer: PythonModule, path: Path) -> Value | None: ...


class PythonModule(DataFileResolver):
    """One parsed Python file with what value resolution needs from it."""

    def __init__(self, path: str, text: str, project: ModuleLoader | None = None) -> None:
        self.project = project
        super().__init__(path, text)

    def qualified_name(self, node: ast.AST) -> str | None:
        """As `ModuleSource` names it; a name this module binds nowhere, by what the
        project's own modules it star-imports imported it as (`star_exports`)."""
        found = super().qualified_name(node)
        if (
            isinstance(node, ast.Name)
            and found == node.id
            and self.star_imports
            and node.id not in self.assignments
            and node.id not in self.classes
            and node.id not in self.functions
        ):
            return star_imported_names(self).get(node.id, found)
        return found

    # -- supplied to the layers below -------------------------------------------------
    def import_target(self, qualified: str) -> tuple[PythonModule, str] | None:
        return self.project.lookup(self, qualified) if self.project is not None else None

    def call_sites(self, function: ast.AST) -> list[tuple[CallResolver, ast.Call]]:
        if self.project is None:
            return []
        return list(self.project.call_sites(self, function))

    def load_data(self, path: Path) -> Value | None:
        return self.project.load_data(self, path) if self.project is not None else None

    def real_path(self) -> str:
        """The file's resolved path: an app is named the same whichever spelling reached it."""
        return str(self.project.resolved(self.path)) if self.project is not None else self.path

    # -- names ----------------------------------------------------------------------------
    def _resolve_name(self, node: ast.Name, scope: Scope) -> Value:
        location = self.location(node)
        name = node.id
        if name in scope.names:
            return moved(scope.names[name], location)
        found = self.lookup(name, node, scope)
        if found.kind == "module":
            inner = self._module_name(node, scope)
        elif found.kind == "value" and isinstance(found.node, ast.expr) and found.statement is not None:
            target = _target_of(found.statement, name)
            inner = moved(self.resolve(found.node, scope), location, self.location(target or found.node))
            if found.condition is not None:
                inner = under_condition(inner, found.condition)
        elif found.kind == "augmented" and isinstance(found.statement, ast.AugAssign):
            augmented = found.statement
            before = self._resolve_name(augmented.target, scope)  # type: ignore[arg-type]
            inner = self.combine(augmented.op, before, self.resolve(augmented.value, scope), location)
        elif found.kind == "import":
            target_module = self.import_target(found.qualified)
            imported = target_module[0].resolve_name(target_module[1], scope) if target_module else None
            inner = moved(imported, location) if imported is not None else self._library_constant(node)
        elif found.kind == "parameter" and found.function is not None:
            inner = moved(self.parameter_value(found.function, name, node, scope), location)
        else:
            inner = self.unknown(node, found.why and f"{name}: {found.why}")
        if found.mutations and inner.known:
            inner = self.apply_mutations(inner, name, found.mutations, scope)
        return inner

    def _module_name(self, node: ast.Name, scope: Scope) -> Value:
        """A name as the module level binds it: assigned once, imported, star-imported."""
        location = self.location(node)
        name = node.id
        if name == "__file__":
            return self.file_name()
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            inner = self.resolve(expression, scope)
            return moved(inner, location, self.location(target))
        imported = self.imports.get(name) or (
            self.nested_imports.get(name) if name not in self.assignments else None
        )
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None:
                module, attribute = found
                imported_value = module.resolve_name(attribute, scope)
                if imported_value is not None:
                    return moved(imported_value, location)
        starred = self._star_resolve(name, scope)
        if starred is not None:
            return moved(starred, location)
        return self._library_constant(node)

    def _library_constant(self, node: ast.Name) -> Value:
        """A header-name constant imported from a CORS library, or unknown."""
        qualified = self.imports.get(node.id) or self.nested_imports.get(node.id)
        text = library_header_name(qualified) if qualified else None
        if text is None:
            return self.unknown(node)
        return Value(text, self.location(node), Provenance.CONSTANT)

    def resolve_name(self, name: str, scope: Scope = EMPTY_SCOPE) -> Value | None:
        """A module-level name's value as seen from another module, or None if unbound."""
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            return moved(self.resolve(expression, scope), self.location(target), self.location(target))
        if name in self.imports and self.project is not None:
            found = self.project.lookup(self, self.imports[name])
            if found is not None and found[0] is not self:
                return found[0].resolve_name(found[1], scope.deeper())
        return self._star_resolve(name, scope)

    def star_modules(self) -> list[PythonModule]:
        """The in-tree modules this one star-imports, last import first (it wins)."""
        found: list[PythonModule] = []
        if self.project is None:
            return found
        for qualified in reversed(self.star_imports):
            path = self.project.find_module(self, qualified)
            if path is None:
                continue
            module = self.project.module_at(path, self.project.display_path(self.path, path))
            if module is not None and module is not self:
                found.append(module)
        return found

    def _star_resolve(self, name: str, scope: Scope) -> Value | None:
        """A name bound nowhere here, looked up through `from X import *` (never `_private`)."""
        if (
            name.startswith("_")
            or name in self.assignments
            or name in self.imports
            or scope.depth > MAX_DEPTH
        ):
            return None
        for module in self.star_modules():
            inner = module.resolve_name(name, scope.deeper())
            if inner is not None:
                return inner
        return None

    def find_binding(self, name: str, depth: int = 0) -> tuple[PythonModule, ast.expr] | None:
        """The expression `name` is bound to here or through star imports, if bound once."""
        if depth > MAX_DEPTH:
            return None
        bound = self.binding(name)
        if bound is not None:
            return self, bound[1]
        if name in self.assignments or name in self.imports or name.startswith("_"):
            return None
        for module in self.star_modules():
            found = module.find_binding(name, depth + 1)
            if found is not None:
                return found
        return None

    def _resolve_attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        qualified = self.qualified_name(node)
        if qualified is not None and qualified.startswith("re.") and qualified[3:] in _RE_FLAGS:
            return Value(_RE_FLAG_BITS[_RE_FLAGS[qualified[3:]]], self.location(node))
        # args.X where args = parser.parse_args(): the option's default
        option = option_default(self, node, scope)
        if option is not None:
            return moved(option, self.location(node))
        # settings.X where settings is an object of a project class (or the class itself)
        instance = self.instance_of(node.value, scope)
        if instance is not None:
            field = instance.module.attribute_value(instance, node.attr, scope)
            if field is not None:
                return moved(field, self.location(node))
            return self.unknown(node)
        agreed = self._agreeing_attribute(node, scope)
        if agreed is not None:
            return agreed
        # module.X for an in-tree module imported as a whole (`from app import config`)
        if qualified is not None and self.project is not None and "." in qualified:
            found = self.project.lookup(self, qualified)
            if found is not None:
                module, name = found
                inner = module.resolve_name(name, scope)
                if inner is not None:
                    return moved(inner, self.location(node))
        for hook in ATTRIBUTE_HOOKS:
            hooked = hook(self, node, scope)
            if hooked is not None:
                return hooked
        receiver = self.resolve(node.value, scope)
        if isinstance(receiver.raw, ValidationInfo) and node.attr == "data":
            return moved(receiver.raw.data, self.location(node))  # a field validator's `info.data`
        if isinstance(receiver.raw, AppObject) and node.attr == "config":
            # `app.config` in a helper handed the app (app_objects.py)
            return moved(receiver.raw.config, self.location(node))
        # `.parent` / `.parents` of a path the code builds
        path = self.path_attribute(node, receiver)
        return path if path is not None else self.unknown(node)

    def _agreeing_attribute(self, node: ast.Attribute, scope: Scope) -> Value | None:
        """`settings.X` where `settings` is bound to objects of different classes (a
        fallback settings class in an `except`): known when every one gives the same X."""
        candidates = self.bound_instances(node.value, scope)
        values = [c.module.attribute_value(c, node.attr, scope.deeper()) for c in candidates]
        if not values or any(v is None or not _plain_known(v) for v in values):
            return None
        first = values[0]
        assert first is not None
        if any(type(v.raw) is not type(first.raw) or v.plain() != first.plain() for v in values if v):
            return None
        return moved(first, self.location(node))

    def class_named(self, node: ast.expr) -> tuple[PythonModule, ast.ClassDef] | None:
        if isinstance(node, ast.Name):
            if node.id in self.classes:
                return self, self.classes[node.id]
            imported = self.imports.get(node.id) or self.nested_imports.get(node.id)
            if imported is not None and self.project is not None:
                found = self.project.lookup(self, imported)
                if found is not None and found[0] is not self:
                    return found[0].class_named(ast.Name(found[1]))
        elif isinstance(node, ast.Attribute) and self.project is not None:
            qualified = self.qualified_name(node)
            if qualified is not None and "." in qualified:
                found = self.project.lookup(self, qualified)
                if found is not None and found[0] is not self:
                    return found[0].class_named(ast.Name(found[1]))
        return None

    def _mapped_text(self, node: ast.Call, function: ast.expr, items: ast.expr, scope: Scope) -> Value:
        """`map(str.strip, raw.split(","))`: each entry reshaped, still where it was written."""
        method = function.attr if isinstance(function, ast.Attribute) else ""
        if not (isinstance(function, ast.Attribute) and dotted_name(function.value) == "str"):
            return self.unknown(node)
        inner = self.resolve(items, scope)
        if not inner.known or not isinstance(inner.raw, tuple):
            return self.unknown(node)
        mapped: list[Value] = []
        for item in inner.raw:
            if not (item.known and isinstance(item.raw, str)):
                return self.unknown(node)
            result = string_method(item, method, [], item.location) if method in _TEXT_METHODS else None
            if result is None:
                return self.unknown(node)
            mapped.append(
                Value(result.raw, item.location, item.provenance, item.env_var, related=item.related)
            )
        location = self.location(node)
        return Value(
            tuple(mapped), location, inner.provenance, inner.env_var, inner.description, inner.related
        )

    def _resolve_dict_call(self, node: ast.Call, scope: Scope) -> Value:
        """`dict(allow_origins=["*"], **base)`, `dict(defaults, max_age=600)`: the keywords
        over a known mapping."""
        if len(node.args) > 1 or any(isinstance(arg, ast.Starred) for arg in node.args):
            return self.unknown(node)
        result: dict[object, Value] = {}
        sources = [*(("", arg) for arg in node.args), *((kw.arg, kw.value) for kw in node.keywords)]
        for keyword, value_node in sources:
            if keyword:
                result[keyword] = self.resolve(value_node, scope)
                continue
            mapping = self.resolve(value_node, scope)
            if not mapping.known or not isinstance(mapping.raw, dict):
                return self.unknown(node)
            result.update(mapping.raw)
        return Value(result, self.location(node))

    def _resolve_call(self, node: ast.Call, scope: Scope) -> Value:
        location = self.location(node)
        qualified = self.qualified_name(node.func) or ""
        for hook in CALL_HOOKS:
            hooked = hook(self, node, qualified, scope)
            if hooked is not None:
                return hooked
        args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
        if qualified == "typing.cast" and len(args) == 2 and not keywords:
            return self.resolve(args[1], scope)  # `cast("list[str]", x)` is `x` at run time
        if qualified == "getattr" and len(args) in (2, 3) and not keywords:
            return self._resolve_getattr(node, args, scope)
        if qualified == "hasattr" and len(args) == 2 and not keywords:
            # `hasattr(settings, "X")` on a settings class that declares X (census 12 B5,
            # ldblckrs-258/Python_EmotionDetection app/main.py): true when `settings.X` resolves
            read = self._resolve_getattr(node, args, scope)
            return Value(True, location) if read.known else self.unknown(node)
        if qualified in ENV_GETTERS or qualified.endswith(".getenv"):
            read = self.env_read(
                node,
                args[0] if args else None,
                args[1] if len(args) > 1 else keywords.get("default"),
                scope,
            )
            if not read.known and read.env_var is not None and len(args) < 2 and "default" not in keywords:
                deployed = self.deployed_env(read.env_var, read.location)
                if deployed is not None:
                    return deployed
                # os.getenv without a default: None while the variable is unset
                return Value(UNSET, read.location, Provenance.UNKNOWN, read.env_var, read.description)
            return read
        known = self.known_call(node, qualified, scope) or self.data_call(node, qualified, scope)
        if known is not None:
            return known
        if qualified in _ASDICT:
            dumped = self.dump_dataclass(node, scope)
            if dumped is not None:
                return dumped
        evaluated = self.evaluate_call(node, scope)
        if evaluated is None:
            evaluated = self.method_value(node, scope)
        if evaluated is not None:
            return moved(evaluated, location)
        if qualified == "json.loads" and len(args) == 1 and not keywords:
            # `json.loads(os.getenv("CORS_ORIGINS", '["https://a.example"]'))`
            text = self.resolve(args[0], scope)
            if not text.known or not isinstance(text.raw, str):
                return self.unknown(node)
            try:
                decoded = json.loads(text.raw)
            except ValueError:
                return self.unknown(node, f"{self.source(node)} (not valid JSON)")
            return from_json(decoded, location, text)
        if qualified == "re.compile" and args:
            pattern = self.resolve(args[0], scope)
            flags = (
                self.resolve(args[1], scope)
                if len(args) > 1
                else (self.resolve(keywords["flags"], scope) if "flags" in keywords else None)
            )
            if not pattern.known or not isinstance(pattern.raw, str):
                return self.unknown(node)
            if flags is not None and (not flags.known or not isinstance(flags.raw, int)):
                return self.unknown(node)
            letters = "".join(
                letter for letter, bit in _RE_FLAG_BITS.items() if flags is not None and flags.raw & bit
            )
            return Value(Regex(pattern.raw, letters), location, pattern.provenance, pattern.env_var)
        if isinstance(node.func, ast.Attribute):
            receiver = self.resolve(node.func.value, scope)
            if receiver.known:
                result = string_method(
                    receiver, node.func.attr, [self.resolve(a, scope) for a in args], location
                )
                if result is not None:
                    return result
            return self.unknown(node)
        if isinstance(node.func, ast.Name) and node.func.id == "filter" and len(args) == 2:
            # filter(None, values): drops the empty strings a split of "" or "a,,b" leaves
            if not (isinstance(args[0], ast.Constant) and args[0].value is None):
                return self.unknown(node)
            inner = self.resolve(args[1], scope)
            if not inner.known or not isinstance(inner.raw, tuple) or any(not v.known for v in inner.raw):
                return self.unknown(node)
            kept = tuple(v for v in inner.raw if v.raw)
            return Value(kept, location, inner.provenance, inner.env_var, inner.description, inner.related)
        if isinstance(node.func, ast.Name) and node.func.id == "map" and len(args) == 2:
            return self._mapped_text(node, args[0], args[1], scope)
        if isinstance(node.func, ast.Name) and qualified == "dict":
            return self._resolve_dict_call(node, scope)
        if qualified in {"list", "tuple", "set", "frozenset"} and not node.args and not node.keywords:
            return Value((), location)  # `origins = set()`, filled in place later
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in {"str", "list", "tuple", "set", "frozenset", "int", "bool", "sorted"}
            and len(args) == 1
        ):
            inner = self.resolve(_fromkeys_argument(self, args[0]) or args[0], scope)
            if is_unset_read(inner) and node.func.id in {"str", "bool"}:
                inner = Value(None, inner.location, Provenance.ENV_DEFAULT, inner.env_var)
            converted = convert(node.func.id, inner, location)
            return converted if converted is not None else self.unknown(node)
        if qualified.endswith("AnyHttpUrl") or qualified.endswith("HttpUrl"):
            return self.resolve(args[0], scope) if args else self.unknown(node)
        return self.unknown(node)

    def _resolve_getattr(self, node: ast.Call, args: list[ast.expr], scope: Scope) -> Value:
        """`getattr(settings, "ALLOWED_ORIGINS", "*")` read as `settings.ALLOWED_ORIGINS` when
        that resolves (000jd/ai-interview-backed app/main.py:45-56); the default is not used,
        since an attribute that does not resolve may still exist."""
        name = args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier()):
            return self.unknown(node)
        read = ast.copy_location(ast.Attribute(value=args[0], attr=name.value, ctx=ast.Load()), node)
        read.end_lineno, read.end_col_offset = node.end_lineno, node.end_col_offset
        resolved = self.resolve(read, scope)
        return resolved if resolved.known else self.unknown(node)

    def display_file(self, file: Path) -> str:
        """Another file as findings name it."""
        return self.project.display_path(self.path, file) if self.project is not None else file.as_posix()

    def deployed_env(self, name: str, location: Location) -> Value | None:
        """The value the project's docker-compose service sets `name` to (`compose_env`)."""
        if self.project is None:
            return None
        return compose_value(self.real_path(), name, location, self.display_file, self.project)

    def env_read(
        self,
        call: ast.Call,
        name_node: ast.expr | None,
        default_node: ast.expr | None,
        scope: Scope,
    ) -> Value:
        """An environment read: its default when the variable is unset, else unknown."""
        name = self.resolve(name_node, scope) if name_node is not None else None
        env_var = name.raw if name is not None and name.known and isinstance(name.raw, str) else None
        if default_node is None:
            why = f"environment variable {env_var} (no default)" if env_var else self.source(call)
            return Value(None, self.location(call), Provenance.UNKNOWN, env_var, description=why)
        default = self.resolve(default_node, scope)
        if not default.known:
            return default
        return as_env_default(default, env_var or "the variable", self.location(call))


_TEXT_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper"})
_RE_FLAG_BITS = {"i": 2, "m": 8, "s": 16, "x": 64, "a": 256}
_ASDICT = frozenset({"dataclasses.asdict", "attrs.asdict", "attr.asdict"})


def _target_of(statement: ast.stmt, name: str) -> ast.expr | None:
    """The target of an assignment that binds `name` (for "defined here")."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [getattr(statement, "target", None)]
    for target in targets:
        if isinstance(target, ast.Name) and target.id == name:
            return target
    return None


def seen_from(value: Value, module: PythonModule, location: Location) -> Value:
    """A value defined in another file, located at the line of `module` that uses it
    (where it was defined becomes a related location); a value from `module` itself
    keeps its own location."""
    if value.location.path == module.path or value.provenance is Provenance.CONFIG_FILE:
        return value
    return Value(
        value.raw,
        location,
        value.provenance,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )


def _fromkeys_argument(module: PythonModule, node: ast.expr) -> ast.expr | None:
    """`list(dict.fromkeys(xs))`, the order-keeping de-duplication idiom: the entries of
    `xs` (a duplicate entry changes no verdict)."""
    if (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "fromkeys"
        and (module.qualified_name(node.func.value) or "") in {"dict", "collections.OrderedDict"}
    ):
        return node.args[0]
    return None


def _plain_known(value: Value) -> bool:
    """Known all the way down (nothing unresolved inside a list or mapping)."""
    return all(item.known for item in value.walk())
