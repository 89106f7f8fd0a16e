"""Calls of a method by name, `app.use(cors())` or `fastify.register(plugin)`: the call,
the receiver as written and the arguments, for the extractors that look for what an app
registers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, unwrap


@dataclass(frozen=True)
class MethodCall:
    """`receiver.method(arguments)`."""

    call: Node
    receiver: str  # the object's source text, parentheses and TypeScript casts dropped
    arguments: tuple[Node, ...]


def method_calls(module: ParsedModule, method: str) -> Iterator[MethodCall]:
    """Every call of a method named `method` in the module, in source order."""
    for call in module.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            continue
        prop = callee.child_by_field_name("property")
        if prop is None or module.text(prop) != method:
            continue
        receiver = module.text(unwrap(callee.child_by_field_name("object")))
        yield MethodCall(call, receiver, call_arguments(call))


def call_arguments(call: Node) -> tuple[Node, ...]:
    """The arguments of a call, comments left out."""
    arguments = call.child_by_field_name("arguments")
    return tuple(c for c in arguments.named_children if c.type != "comment") if arguments else ()
