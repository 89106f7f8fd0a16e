"""What a project's options factory returns for the arguments it is called with:
`app.enableCors(getCorsOptions(origin))` with `const getCorsOptions = (origin: string[]):
CorsOptions => ({ origin, credentials: true })` (100CallsToEurop/inctagram
`apps/api/src/configs/corseSetup.ts`, NestJS; the same shape builds `cors(...)` options).

Only a factory whose whole body is an object literal is read, and a parameter is carried in
only where a property's value is that parameter itself (`{ origin }`, `{ origin: allowed }`):
anything computed from a parameter stays unknown, as before."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.call_site_arguments import record_call
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Value

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})


def factory_result(
    module: Any, callee: Node, arguments: list[Node], use: Location, depth: int
) -> Value | None:
    """The object `factory(a, b)` returns, or None when `callee` is no such factory."""
    found = _factory(module, unwrap(callee))
    if found is None or not arguments:
        return None
    home, function = found
    parameters = _parameters(home, function)
    body = _returned_object(function)
    if parameters is None or body is None or len(arguments) > len(parameters):
        return None
    passed = {name: arguments[i] for i, name in enumerate(parameters) if i < len(arguments)}
    if _reads_parameter(home, body, dict.fromkeys(parameters[len(arguments) :])):
        return None  # a parameter left out is undefined there, not a same-named constant
    whole = home.resolve(body, depth)
    if not whole.known or not isinstance(whole.raw, dict):
        return None
    entries: dict[str, Value] = dict(whole.raw)
    inside_functions = False
    for child in body.named_children:
        if child.type == "shorthand_property_identifier" and home.text(child) in passed:
            entries[home.text(child)] = module.resolve(passed[home.text(child)], depth)
        elif child.type == "pair" and (value := child.child_by_field_name("value")) is not None:
            key = child.child_by_field_name("key")
            name = home.text(unwrap(value))
            if name in passed and key is not None and key.type in {"property_identifier", "string"}:
                entries[home.text(key).strip("'\"")] = module.resolve(passed[name], depth)
            elif unwrap(value).type in _FUNCTIONS and _reads_parameter(home, value, passed):
                inside_functions = True  # `origin: (o, cb) => cb(null, list.includes(o))`
            elif _reads_parameter(home, value, passed):
                return None  # a parameter used inside a computed value: not carried in
        elif child.type == "method_definition" and _reads_parameter(home, child, passed):
            inside_functions = True  # `origin(o, cb) { ... list.includes(o) ... }`
        elif _reads_parameter(home, child, passed):
            return None
    if inside_functions:  # read there as what this call hands the factory
        record_call(home, function, {name: module.resolve(node, depth) for name, node in passed.items()})
    return Value(entries, use, description=home.text(function)[:80])


def _reads_parameter(home: Any, node: Node, passed: dict[str, Any]) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in {"identifier", "shorthand_property_identifier"} and home.text(current) in passed:
            return True
        stack.extend(current.named_children)
    return False


def _factory(module: Any, callee: Node) -> tuple[Any, Node] | None:
    if callee.type != "identifier":
        return None
    name = module.text(callee)
    if name in module.imports and module.project is not None:
        specifier, exported = module.imports[name]
        target = module.project.resolve_specifier(module, specifier)
        if target is None or exported in {"*", "default"}:
            return None
        home = module.project.load(target, module.project.display(module, target))
        function = _named_function(home, exported) if home is not None else None
        return (home, function) if function is not None else None
    function = module.function_node(callee)
    return (module, function) if function is not None and function.type in _FUNCTIONS else None


def _named_function(home: Any, name: str) -> Node | None:
    """`export const name = (...) => ...` or `export function name(...)` in the home module."""
    bound = home.binding(name)
    if bound is not None:
        return unwrap(bound) if unwrap(bound).type in _FUNCTIONS else None
    declared = [
        node
        for node in home.of_kind("function_declaration")
        if (named := node.child_by_field_name("name")) is not None and home.text(named) == name
    ]
    return declared[0] if len(declared) == 1 else None


def _parameters(home: Any, function: Node) -> list[str] | None:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")
        return [home.text(single)] if single is not None else None
    names: list[str] = []
    for parameter in parameters.named_children:
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        if target.type != "identifier":
            return None  # destructured or defaulted: not a plain factory
        names.append(home.text(target))
    return names


def _returned_object(function: Node) -> Node | None:
    """The object literal the factory returns: its whole body, `return {...}`, or `const
    options = {...}; return options;`."""
    body = function.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        if len(statements) == 2 and statements[1].type == "return_statement":
            return _held_object(statements[0], statements[1])
        if len(statements) != 1 or statements[0].type != "return_statement":
            return None
        inner = [c for c in statements[0].named_children if c.type != "comment"]
        body = inner[0] if len(inner) == 1 else None
    body = unwrap(body) if body is not None else None
    return body if body is not None and body.type == "object" else None


def _held_object(declaration: Node, returned: Node) -> Node | None:
    if declaration.type not in {"lexical_declaration", "variable_declaration"}:
        return None
    declarators = [c for c in declaration.named_children if c.type == "variable_declarator"]
    inner = [c for c in returned.named_children if c.type != "comment"]
    if len(declarators) != 1 or len(inner) != 1:
        return None
    name, value = declarators[0].child_by_field_name("name"), declarators[0].child_by_field_name("value")
    if name is None or value is None or unwrap(inner[0]).text != name.text:
        return None
    value = unwrap(value)
    return value if value.type == "object" else None
