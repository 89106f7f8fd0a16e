"""A value hung on a Fastify instance with `decorate` and read back as a property:

    app.decorate("conf", require("./config/common/config"))
       .register(require("@fastify/cors"), app.conf.cors)

(MdYusufBinNur/fastify-knex-starter `server.js:33-35`). Fastify's `decorate(name, value)`
sets `instance[name] = value`, so `app.conf` is that value. One decoration of the name on
that receiver only; two leave it unknown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corslint.extractors.js.syntax import Node, string_value, unwrap

if TYPE_CHECKING:
    from corslint.extractors.js.parsed_module import ParsedModule


def decorated_value(module: ParsedModule, member: Node) -> Node | None:
    """The value node of the one `recv.decorate("name", value)` for `member` = `recv.name`."""
    if member.type != "member_expression" or b".decorate(" not in module.source:
        return None
    holder = unwrap(member.child_by_field_name("object"))
    prop = member.child_by_field_name("property")
    if holder is None or holder.type != "identifier" or prop is None:
        return None
    receiver, name = module.text(holder), module.text(prop)
    found = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        called = function.child_by_field_name("property")
        if called is None or module.text(called) != "decorate" or _root(module, function) != receiver:
            continue
        arguments = call.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if len(named) == 2 and string_value(named[0]) == name:
            found.append(named[1])
    return found[0] if len(found) == 1 else None


def _root(module: ParsedModule, function: Node) -> str | None:
    """The name a call chain starts from: `app` for `app.register(x).decorate`."""
    node: Node | None = unwrap(function.child_by_field_name("object"))
    while node is not None and node.type in {"call_expression", "member_expression"}:
        field = "function" if node.type == "call_expression" else "object"
        node = unwrap(node.child_by_field_name(field))
    return module.text(node) if node is not None and node.type == "identifier" else None
