"""What one JS/TS module registers: the names bound to ``cors``, the ``app.use`` /
``router.get`` / ``app.route(...).post`` calls that mount middleware and routes, and where
a ``cors()`` call or a handler function is mounted."""

from __future__ import annotations

from dataclasses import dataclass, field

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import WRAPPERS, Node, string_value, unwrap

ROUTE_METHODS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "del": ("DELETE",),
    "head": ("HEAD",),
    "all": ("GET", "POST", "PUT", "PATCH", "DELETE"),
}
REGISTRATIONS = frozenset({"use", "options", *ROUTE_METHODS})
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".toml")  # values from these keep their own lines


@dataclass
class Registration:
    """One `recv.method(...)` call that mounts middleware or routes."""

    call: Node
    receiver: str
    method: str  # use, get, post ..., or "route:<method>"
    path: str | None
    arguments: list[Node]


@dataclass
class Analysis:
    """What one JS/TS module registers: the names bound to cors, and its middleware."""

    module: JsModule
    cors_names: set[str] = field(default_factory=set)
    registrations: list[Registration] = field(default_factory=list)
    mounted: dict[int, Registration] = field(default_factory=dict)  # argument node id -> registration

    @property
    def path(self) -> str:
        return self.module.path


# -- what names mean ---------------------------------------------------------------


def find_cors_names(analysis: Analysis) -> None:
    for local, (specifier, exported) in analysis.module.imports.items():
        if specifier == "cors" and exported in {"*", "default"}:
            analysis.cors_names.add(local)


def is_cors_call(analysis: Analysis, node: Node) -> bool:
    if node.type != "call_expression" and node.type not in WRAPPERS:
        return False
    node = unwrap(node)
    if node.type != "call_expression":
        return False
    function = unwrap(node.child_by_field_name("function"))
    if function is None:
        return False
    text = analysis.module.text(function).replace(" ", "")
    names = analysis.cors_names
    if text in names or (text.endswith(".default") and text[: -len(".default")] in names):
        return True
    return text.startswith("require(") and text.endswith(")") and text[8:-1].strip("'\"`") == "cors"


def find_registrations(analysis: Analysis) -> None:
    module = analysis.module
    for node in module.of_kind("call_expression"):
        function = unwrap(node.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        prop = function.child_by_field_name("property")
        method = module.text(prop) if prop is not None else ""
        if method not in REGISTRATIONS:
            continue
        holder = unwrap(function.child_by_field_name("object"))
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        route_path: str | None = None
        receiver = module.text(holder)
        if holder.type == "call_expression":
            inner = unwrap(holder.child_by_field_name("function"))
            inner_args = holder.child_by_field_name("arguments")
            if inner is not None and inner.type == "member_expression":
                inner_prop = inner.child_by_field_name("property")
                if inner_prop is not None and module.text(inner_prop) == "route" and inner_args is not None:
                    named = [c for c in inner_args.named_children if c.type != "comment"]
                    route_path = string_value(named[0]) if named else None
                    receiver = module.text(unwrap(inner.child_by_field_name("object")))
                    method = f"route:{method}"
                elif inner_prop is not None and module.text(inner_prop) in REGISTRATIONS:
                    continue  # chained app.use(a).use(b): rare; the inner call is found on its own
        elif holder.type not in {"identifier", "member_expression", "this"}:
            continue
        if route_path is None and arguments:
            first = string_value(arguments[0])
            if first is not None:
                route_path = first
                arguments = arguments[1:]
            elif unwrap(arguments[0]).type in {"array", "regex"}:
                route_path = module.text(arguments[0])
                arguments = arguments[1:]
        if method == "get" and len(arguments) == 0:
            continue  # app.get("setting")
        registration = Registration(node, receiver, method, route_path, arguments)
        analysis.registrations.append(registration)
        for argument in arguments:
            analysis.mounted[unwrap(argument).id] = registration


# -- wiring ---------------------------------------------------------------------------


def registration_of(analysis: Analysis, call: Node) -> tuple[Registration | None, str | None]:
    """Where a cors(...) call is mounted: directly, or through a const it is bound to."""
    registration = analysis.mounted.get(call.id)
    if registration is not None:
        return registration, None
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    if parent is not None and parent.type == "variable_declarator":
        name_node = parent.child_by_field_name("name")
        name = analysis.module.text(name_node) if name_node is not None else ""
        for reference in analysis.module.references(name):
            registration = analysis.mounted.get(reference.id)
            if registration is not None:
                return registration, name
        return None, name
    return None, None


def function_registration(analysis: Analysis, function: Node) -> Registration | None:
    registration = analysis.mounted.get(function.id)
    if registration is not None:
        return registration
    name_node = function.child_by_field_name("name")
    name = analysis.module.text(name_node) if name_node is not None else ""
    if not name and function.parent is not None and function.parent.type == "variable_declarator":
        declared = function.parent.child_by_field_name("name")
        name = analysis.module.text(declared) if declared is not None else ""
    if name:
        for reference in analysis.module.references(name):
            registration = analysis.mounted.get(reference.id)
            if registration is not None:
                return registration
    return None
