"""Header records copied onto the response by a loop: `Object.entries(CORS_HEADERS).forEach(
([key, value]) => res.setHeader(key, value))` and `for (const [key, value] of
Object.entries(CORS_HEADERS)) res.setHeader(key, value)`, where `CORS_HEADERS` is an object
literal written in the module (3 of 10 find_string hits for `=> res.setHeader(key, value))`:
Vercel functions). The loop writes each entry as `res.setHeader(name, value)` would. Also
where a header object passed to a writer is written (`object_argument`)."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

_LOOP_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def copied_record(module: JsModule, node: Node) -> tuple[Node, Node] | None:
    """For `Object.entries(X).forEach(([k, v]) => holder.writer(k, v))` (a call) or the
    `for ... of` form (a statement): X, and the call inside that writes each entry."""
    if node.type == "for_in_statement":
        pattern, source, body = (node.child_by_field_name(f) for f in ("left", "right", "body"))
    elif node.type == "call_expression":
        function = unwrap(node.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            return None
        if module.text(function.child_by_field_name("property")) != "forEach":
            return None
        source = unwrap(function.child_by_field_name("object"))
        callbacks = [unwrap(argument) for argument in call_arguments(node)]
        if len(callbacks) != 1 or callbacks[0].type not in _LOOP_FUNCTIONS:
            return None
        parameters = callbacks[0].child_by_field_name("parameters")
        named = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
        pattern = named[0] if len(named) == 1 else None
        if pattern is not None and pattern.type in {"required_parameter", "optional_parameter"}:
            pattern = pattern.child_by_field_name("pattern")
        body = callbacks[0].child_by_field_name("body")
    else:
        return None
    record = _entries_of(module, source)
    names = _pair_names(module, pattern)
    write = _single_call(body)
    if record is None or names is None or write is None:
        return None
    arguments = [module.text(unwrap(argument)) for argument in call_arguments(write)]
    return (record, write) if arguments == list(names) else None


def record_write(module: JsModule, node: Node) -> tuple[Node, str, str] | None:
    """For such a loop over a record literal: the literal, the method the loop calls
    (`setHeader`) and that call's callee (`res.setHeader`)."""
    copied = copied_record(module, node)
    literal = record_literal(module, copied[0]) if copied is not None else None
    if copied is None or literal is None:
        return None
    function = unwrap(copied[1].child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return None
    method = module.text(function.child_by_field_name("property"))
    return literal, method, module.text(function).replace(" ", "")


def names_cors_header(module: JsModule, record: Node) -> bool:
    """Whether the record `Object.entries` reads holds an `Access-Control-*` key."""
    literal = record_literal(module, record)
    return literal is not None and any(
        (string_value(pair.child_by_field_name("key")) or "").lower().startswith("access-control-")
        for pair in literal.named_children
        if pair.type == "pair"
    )


def record_literal(module: JsModule, record: Node) -> Node | None:
    """The object literal `record` is, or names (a const bound once)."""
    record = unwrap(record)
    if record.type == "identifier":
        bound = module.binding(module.text(record))
        record = unwrap(bound) if bound is not None else record
    return record if record.type == "object" else None


def _entries_of(module: JsModule, source: Node | None) -> Node | None:
    source = unwrap(source) if source is not None else None
    if source is None or source.type != "call_expression":
        return None
    if module.text(source.child_by_field_name("function")).replace(" ", "") != "Object.entries":
        return None
    arguments = list(call_arguments(source))
    return arguments[0] if len(arguments) == 1 else None


def _pair_names(module: JsModule, pattern: Node | None) -> tuple[str, str] | None:
    """`[key, value]` (also `const [key, value]` in a `for ... of`)."""
    if pattern is not None and pattern.type in {"lexical_declaration", "variable_declaration"}:
        declarators = [c for c in pattern.named_children if c.type == "variable_declarator"]
        pattern = declarators[0].child_by_field_name("name") if len(declarators) == 1 else None
    if pattern is None or pattern.type != "array_pattern":
        return None
    names = [module.text(c) for c in pattern.named_children if c.type == "identifier"]
    return (names[0], names[1]) if len(names) == 2 and len(pattern.named_children) == 2 else None


def _single_call(body: Node | None) -> Node | None:
    """The one call a loop body makes: an expression body, or a block of one statement."""
    while body is not None and body.type in {"statement_block", "expression_statement"}:
        inner = [c for c in body.named_children if c.type != "comment"]
        body = inner[0] if len(inner) == 1 else None
    body = unwrap(body) if body is not None else None
    return body if body is not None and body.type == "call_expression" else None


def object_argument(module: JsModule, node: Node) -> Node | None:
    """A headers object written in place, or held in a local declared before the call in
    the same function (`const headers = {...}; res.writeHead(200, headers)`)."""
    node = unwrap(node)
    if node.type == "object":
        return node
    if node.type != "identifier":
        return None
    value = declared_value(module, module.text(node), node)
    return value if value is not None and value.type == "object" else None
