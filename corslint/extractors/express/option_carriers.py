"""Whether an options object whose value is not known as a whole can still be shown never
to hold one key: `NestFactory.create(AppModule, { bufferLogs: true, ...nestOptions })`
where `nestOptions` is only ever assigned object literals without `cors` (an empty `{}`
first, `{ bodyParser: false, rawBody: true }` under a condition). Every value the name is
ever bound or assigned to is read; one that cannot be read means the key may be there."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

MAX_DEPTH = 4


def never_holds(module: JsModule, node: Node, key: str, depth: int = 0) -> bool:
    """Whether the object `node` evaluates to can never hold `key`."""
    node = unwrap(node)
    if depth > MAX_DEPTH:
        return False
    if node.type == "object":
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = [c for c in child.named_children if c.type != "comment"]
                if not inner or not never_holds(module, inner[0], key, depth + 1):
                    return False
            elif child.type == "pair":
                name = child.child_by_field_name("key")
                if name is None or name.type == "computed_property_name":
                    return False
                if (string_value(name) or module.text(name)) == key:
                    return False
            elif child.type == "shorthand_property_identifier":
                if module.text(child) == key:
                    return False
            else:  # a method or getter named anything
                return False
        return True
    if node.type == "ternary_expression":  # `useTls ? { httpsOptions } : {}`
        arms = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        return all(arm is not None and never_holds(module, arm, key, depth + 1) for arm in arms)
    if node.type != "identifier":
        return False
    name = module.text(node)
    if name in module.imports:
        return False
    values = [
        value
        for declarator in module.declarators.get(name, [])
        if (value := declarator.child_by_field_name("value")) is not None
    ]
    values += [
        right
        for assignment in module.assignments.get(name, [])
        if unwrap(assignment.child_by_field_name("left")).type == "identifier"
        and (right := assignment.child_by_field_name("right")) is not None
    ]
    property_writes = [
        assignment
        for assignment in module.assignments.get(name, [])
        if unwrap(assignment.child_by_field_name("left")).type != "identifier"
    ]
    if not values or property_writes:
        return False  # `options.cors = ...` (or any property write) may add it
    return all(never_holds(module, value, key, depth + 1) for value in values)
