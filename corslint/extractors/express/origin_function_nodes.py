"""The function an option's value was written as: where it is (this module or another the
project loads), the syntax node at a location, and the names of its parameters; shared by
the readers of origin functions (origin_functions.py) and allow-list tests
(origin_membership.py)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.model import Location, Value


def parameter_names(module: JsModule, function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")
        return [module.text(single)] if single is not None else []
    names = []
    for parameter in parameters.named_children:
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target))
    return names


def written_function(module: JsModule, value: Value) -> tuple[JsModule, Node] | None:
    """The function an option's value was read from, and the module that writes it: this
    one, or another (an imported function, or an options object another module exports)."""
    node = node_at(module, value.location)
    function = module.function_node(node) if node is not None else None
    if function is not None:
        return module, function
    if module.project is None:
        return None
    for where in (value.location, *value.related[:1]):
        home = module.project.loaded(where.path) if where.path != module.path else None
        node = node_at(home, where) if home is not None else None
        function = home.function_node(node) if home is not None and node is not None else None
        if home is not None and function is not None:
            return home, function
    return None


def node_at(module: JsModule, location: Location) -> Node | None:
    if location.path != module.path:
        return None
    point = (location.line - 1, 0)
    for node in module.nodes:
        if node.start_point[0] == point[0] and module.location(node) == location:
            return node
    return None
