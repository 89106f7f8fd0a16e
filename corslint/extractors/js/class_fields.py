"""A class field read through `this` in the class's own methods:

    class Server {
      private corsOptions = { origin: [...], credentials: true };
      constructor() { this.app.use(cors(this.corsOptions)); }
    }

or set once by the constructor (`this.corsOptions = {...}` before `this.middlewares()`), or by
the method that reads it, just before.
find_string "cors(this.corsOptions)": 9 of 10 hits are Express server classes holding the options
one of these ways (the tenth is commented out). An instance field's initializer runs before the
constructor's body (after `super()` in a subclass), so every method sees it. Read only when
nothing else can change it: the class writes no other `this.<name>` (`=`, `+=`, a property
of it, `Object.assign(this.<name>, ...)`), has no method or accessor of that name, no class
of the module extends it (a subclass may redefine the field), and `this` at the read is an
instance's (no `function` in between, no static member)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corslint.extractors.js.syntax import Node, unwrap, walk

if TYPE_CHECKING:
    from corslint.extractors.js.parsed_module import ParsedModule

_FIELDS = frozenset({"public_field_definition", "field_definition"})
_OWN_THIS = frozenset({"function_expression", "function_declaration", "function", "generator_function"})


def class_field_value(module: ParsedModule, member: Node) -> Node | None:
    """The initializer of the field `member` (`this.name`) reads, when it is settled."""
    if member.type != "member_expression":
        return None
    holder = unwrap(member.child_by_field_name("object"))
    prop = member.child_by_field_name("property")
    if holder is None or holder.type != "this" or prop is None or prop.type != "property_identifier":
        return None
    body = _class_body(member)
    if body is None:
        return None
    name = module.text(prop)
    fields = [
        child for child in body.named_children if child.type in _FIELDS and _field_name(module, child) == name
    ]
    methods = [
        child
        for child in body.named_children
        if child.type == "method_definition" and module.text(child.child_by_field_name("name")) == name
    ]
    if len(fields) > 1 or methods or any(c.type == "static" for f in fields for c in f.children):
        return None
    if _extended(module, body):
        return None
    value = fields[0].child_by_field_name("value") if fields else None
    if value is not None:
        return None if _writes(module, body, name) else unwrap(value)
    return _constructor_assigned(module, body, name, member)


def _constructor_assigned(module: ParsedModule, body: Node, name: str, read: Node) -> Node | None:
    """`this.name = value` as a statement of a method's own body, the class's only write of
    the name, made before anything could read it: the read comes after it in that method
    (`this.corsOptions = {...}; this.app.use(cors(this.corsOptions));`), or the method is the
    constructor, the read sits in another method and no statement before the assignment
    calls a method (`this.setup()`, `super(...)`) or hands `this` away."""
    writes = _writes(module, body, name)
    if len(writes) != 1 or writes[0].type != "assignment_expression":
        return None
    assignment = writes[0]
    left = unwrap(assignment.child_by_field_name("left"))
    statement = assignment.parent
    if left.type != "member_expression" or statement is None or statement.type != "expression_statement":
        return None
    block = statement.parent
    method = block.parent if block is not None else None
    if (
        block is None
        or block.type != "statement_block"
        or method is None
        or method.type != "method_definition"
    ):
        return None
    if method.start_byte <= read.start_byte < method.end_byte:
        if read.start_byte < statement.end_byte or _in_nested_function(read, method):
            return None
    elif module.text(method.child_by_field_name("name")) != "constructor":
        return None
    else:
        for earlier in block.named_children:
            if earlier.start_byte >= statement.start_byte:
                break
            if _may_run_methods(module, earlier):
                return None
    value = assignment.child_by_field_name("right")
    return unwrap(value) if value is not None else None


def _in_nested_function(node: Node, outer: Node) -> bool:
    parent = node.parent
    while parent is not None and parent != outer:
        if parent.type in {"arrow_function", *_OWN_THIS}:
            return True  # a callback may run later (or never)
        parent = parent.parent
    return False


def _may_run_methods(module: ParsedModule, statement: Node) -> bool:
    for node in walk(statement):
        if node.type == "this" and node.parent is not None and node.parent.type == "arguments":
            return True
        if node.type == "call_expression":
            function = unwrap(node.child_by_field_name("function"))
            if function is None:
                continue
            if function.type == "super":
                return True
            holder = function.child_by_field_name("object") if function.type == "member_expression" else None
            if holder is not None and unwrap(holder).type == "this":
                return True
    return False


def _class_body(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type in _OWN_THIS:
            return None  # `this` is the function's own
        if parent.type == "method_definition" and (
            parent.parent is None or parent.parent.type != "class_body"
        ):
            return None  # an object literal's method: `this` is that object
        if parent.type == "class_static_block" or (
            parent.type in {"method_definition", *_FIELDS}
            and any(c.type == "static" for c in parent.children)
        ):
            return None  # `this` is the class
        if parent.type == "class_body":
            return parent
        parent = parent.parent
    return None


def _field_name(module: ParsedModule, field: Node) -> str | None:
    name = field.child_by_field_name("name") or field.child_by_field_name("property")
    return module.text(name) if name is not None and name.type == "property_identifier" else None


def _this_member(module: ParsedModule, node: Node | None, name: str) -> bool:
    """Whether `node` is `this.name` or a property chain on it (`this.name.origin`)."""
    node = unwrap(node) if node is not None else None
    while node is not None and node.type in {"member_expression", "subscript_expression"}:
        holder = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if holder is not None and holder.type == "this":
            return prop is not None and module.text(prop) == name
        node = holder
    return False


def _writes(module: ParsedModule, body: Node, name: str) -> list[Node]:
    """Every write of `this.name` or of a property of it in the class."""
    found = []
    for node in walk(body):
        if node.type in {"assignment_expression", "augmented_assignment_expression"}:
            if _this_member(module, node.child_by_field_name("left"), name):
                found.append(node)
        elif node.type == "update_expression":
            if any(_this_member(module, child, name) for child in node.named_children):
                found.append(node)
        elif node.type == "call_expression":
            function = module.text(node.child_by_field_name("function") or node)
            arguments = node.child_by_field_name("arguments")
            first = (
                arguments.named_children[0] if arguments is not None and arguments.named_children else None
            )
            if function in {"Object.assign", "Object.defineProperty"} and _this_member(module, first, name):
                found.append(node)
    return found


def _extended(module: ParsedModule, body: Node) -> bool:
    """Whether a class of the module extends the class of `body` (by its name)."""
    declaration = body.parent
    name_node = declaration.child_by_field_name("name") if declaration is not None else None
    if name_node is None:
        return False
    name = module.text(name_node)
    for heritage in module.of_kind("class_heritage"):
        if any(
            module.text(child) == name
            for child in walk(heritage)
            if child.type in {"identifier", "type_identifier"}
        ):
            return True
    return False
