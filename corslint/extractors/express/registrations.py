"""What one JS/TS module registers: the names bound to ``cors``, the ``app.use`` /
``router.get`` / ``app.route(...).post`` calls that mount middleware and routes, and where
a ``cors()`` call or a handler function is mounted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corslint.extractors.express.all_layers import passes_every_request_on
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
_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
# HTTP clients whose get/post/put ... send requests rather than register routes
_HTTP_CLIENTS = frozenset(
    {"axios", "got", "superagent", "needle", "ky", "http", "https", "this.http", "this.httpService"}
)
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
    module = analysis.module
    for local, (specifier, exported) in module.imports.items():
        if specifier == "cors" and exported in {"*", "default"}:
            analysis.cors_names.add(local)
    for clause in module.of_kind("import_require_clause"):  # TypeScript `import cors = require("cors")`
        named = [child for child in clause.named_children if child.type in {"identifier", "string"}]
        if len(named) == 2 and string_value(named[1]) == "cors":
            analysis.cors_names.add(module.text(named[0]))
    for name, values in module.declarations.items():
        # tsc's CommonJS output: `const cors_1 = __importDefault(require("cors"))`, called as
        # `(0, cors_1.default)({...})` (0-EWT-0/MiniCRM_API src/app.js)
        if len(values) == 1 and _TSC_INTEROP.fullmatch(module.text(values[0]).replace(" ", "")):
            analysis.cors_names.add(name)
    if "cors" not in module.imports and "cors" not in module.declarators and _parameter_named(module, "cors"):
        # `function applyCors(app, cors) { app.use(cors({...})) }`: the bootstrap hands the
        # cors package in; a parameter of that name called with options is that package
        analysis.cors_names.add("cors")


def _parameter_named(module: JsModule, name: str) -> bool:
    for parameters in module.of_kind("formal_parameters"):
        for parameter in parameters.named_children:
            pattern = (
                parameter.child_by_field_name("pattern") if parameter.type != "identifier" else parameter
            )
            if pattern is not None and pattern.type == "identifier" and module.text(pattern) == name:
                return True
    return False


_TSC_INTEROP = re.compile(r"""(?:tslib(?:_1)?\.)?__import(?:Default|Star)\(require\(["'`]cors["'`]\)\)""")

# what `is_cors_call` accepts without a name bound to the package: `require("cors")(...)`,
# spaces anywhere (it drops them)
_REQUIRE_CORS = re.compile(rb"r *e *q *u *i *r *e *\([ '\"`]*c *o *r *s[ '\"`]*\)")


def may_call_cors(analysis: Analysis) -> bool:
    """Whether any call of the module can be one `is_cors_call` accepts: most modules the
    extractor reads mention `cors` without binding a name to the package."""
    return bool(analysis.cors_names) or _REQUIRE_CORS.search(analysis.module.source) is not None


def is_cors_call(analysis: Analysis, node: Node) -> bool:
    if node.type != "call_expression" and node.type not in WRAPPERS:
        return False
    return is_package_call(analysis.module, analysis.cors_names, node, "cors")


def is_package_call(module: JsModule, names: set[str], node: Node, specifier: str) -> bool:
    """Whether the call `node` calls a package's export: a name it is imported as
    (`cors(...)`, `cors.default(...)`, tsc's `(0, cors_1.default)(...)`, `new Cors()`), or
    `require("<specifier>")(...)` itself."""
    node = unwrap(node)
    if node.type not in {"call_expression", "new_expression"}:
        return False
    # `new Cors()`: @koa/cors and cors return their middleware whatever `this` is
    function = unwrap(
        node.child_by_field_name("function" if node.type == "call_expression" else "constructor")
    )
    if function is not None and function.type == "sequence_expression":
        parts = [child for child in function.named_children if child.type != "comment"]
        function = unwrap(parts[-1]) if len(parts) == 2 and module.text(parts[0]) == "0" else None
    if function is None:
        return False
    text = module.text(function).replace(" ", "")
    if text in names or (text.endswith(".default") and text[: -len(".default")] in names):
        return True
    return text.startswith("require(") and text.endswith(")") and text[8:-1].strip("'\"`") == specifier


# servers whose `get`/`post` ... are no Express routes: NestJS's `app.get(Service)` looks a
# provider up; Koa and Fastify apps are judged by their own code
_NOT_EXPRESS_TYPES = (
    "INestApplication",
    "NestExpressApplication",
    "NestFastifyApplication",
    "FastifyInstance",
)
_NOT_EXPRESS_FACTORIES = ("NestFactory.create", "Fastify(", "fastify(", "newKoa(")


def not_express(module: JsModule, receiver: str) -> bool:
    """Whether `receiver` is an application that is not Express's (a NestJS app, Koa, Fastify)."""
    root = receiver.split(".", 1)[0]
    if root == "this":
        return False
    for value in module.declarations.get(root, []):
        text = module.text(value).replace(" ", "")
        text = text.removeprefix("await")
        if text.startswith(_NOT_EXPRESS_FACTORIES) or text.startswith("NestFactory.create<"):
            return True
    for declarator in module.declarators.get(root, []):
        annotation = declarator.child_by_field_name("type")
        if annotation is not None and module.text(annotation).lstrip(": ").startswith(_NOT_EXPRESS_TYPES):
            return True
    for node in module.of_kind("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        annotation = node.child_by_field_name("type")
        if (
            pattern is not None
            and annotation is not None
            and module.text(pattern) == root
            and module.text(annotation).lstrip(": ").startswith(_NOT_EXPRESS_TYPES)
        ):
            return True
    return False


def find_registrations(analysis: Analysis) -> None:
    module = analysis.module
    foreign: dict[str, bool] = {}
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
        if receiver in _HTTP_CLIENTS:
            continue  # `axios.post(url, body)`, `http.get(url, callback)`: requests it sends
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
        verb = method.split(":")[-1]
        if verb in ROUTE_METHODS:
            if receiver not in foreign:
                foreign[receiver] = not_express(module, receiver)
            if foreign[receiver] or not _handlers_only(arguments, route_path is not None):
                continue  # `app.get(ConfigService)`, `app.get(Service, { strict: false })`
            if route_path is None and len(arguments) >= 2:
                route_path, arguments = "?", arguments[1:]  # a path held in a constant
        if method == "all" and passes_every_request_on(module, route_path, arguments):
            method, route_path = "use", None  # `app.all("*", (req, res, next) => {...; next()})`: a layer
        registration = Registration(node, receiver, method, route_path, arguments)
        analysis.registrations.append(registration)
        for argument in arguments:
            analysis.mounted[unwrap(argument).id] = registration


def _handlers_only(arguments: list[Node], has_path: bool) -> bool:
    """Whether the arguments after a route's path can be request handlers: an object
    literal never is, and a single non-path argument is a lookup (`app.get(Token)`)."""
    if not arguments or any(unwrap(argument).type == "object" for argument in arguments):
        return False
    return has_path or len(arguments) >= 2


# -- wiring ---------------------------------------------------------------------------


def app_key(module: JsModule, registration: Registration) -> str:
    """Which application a registration mounts on (CORS302 compares them): the receiver's
    name, qualified by the function when that name is the function's parameter, since
    `function a(app) {...}` and `function b(app) {...}` may be handed different apps."""
    root = registration.receiver.split(".", 1)[0]
    node = registration.call.parent
    while node is not None:
        if node.type in _FUNCTIONS:
            parameters = node.child_by_field_name("parameters")
            if parameters is not None and any(
                (p.child_by_field_name("pattern") if p.type != "identifier" else p) is not None
                and module.text(p.child_by_field_name("pattern") if p.type != "identifier" else p) == root
                for p in parameters.named_children
            ):
                return f"{module.path}::{registration.receiver}@{module.location(node).line}"
        node = node.parent
    return f"{module.path}::{registration.receiver}"


def registration_of(analysis: Analysis, call: Node) -> tuple[Registration | None, str | None]:
    """Where a cors(...) call is mounted: directly, or through a const it is bound to."""
    registration = analysis.mounted.get(call.id)
    if registration is not None:
        return registration, None
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    name_node = None
    if parent is not None and parent.type == "variable_declarator":
        name_node = parent.child_by_field_name("name")
    elif parent is not None and parent.type == "assignment_expression":  # `middleware = cors(...)`
        left = unwrap(parent.child_by_field_name("left"))
        name_node = left if left is not None and left.type == "identifier" else None
    if name_node is not None:
        name = analysis.module.text(name_node)
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
    # `app.use(path, expressMiddleware(server, { context: ({ req, res }) => ... }))`
    node = function.parent
    while node is not None and node.type in {"pair", "object", "arguments", "call_expression"}:
        registration = analysis.mounted.get(node.id)
        if registration is not None:
            return registration
        node = node.parent
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
    return _listed_by_helper(analysis, function)


def _listed_by_helper(analysis: Analysis, function: Node) -> Registration | None:
    """`const assets = (dir) => [(req, res, next) => {...}, express.static(dir)]` mounted as
    `app.use('/img', assets(dir))` (census 10 C2, 12008yz/chibox-game app.js
    `serveStaticWithWebp`): the middleware is an entry of the array a module-level helper
    returns, and the helper's call is mounted; the first such mount."""
    module = analysis.module
    array = function.parent
    if array is None or array.type != "array":
        return None
    holder = array.parent
    if holder is not None and holder.type == "parenthesized_expression":
        holder = holder.parent
    if holder is not None and holder.type == "return_statement":
        holder = holder.parent.parent if holder.parent is not None else None  # the block's function
    if holder is None or holder.type not in {"arrow_function", "function_expression", "function_declaration"}:
        return None
    declared = holder.child_by_field_name("name")
    if declared is None and holder.parent is not None and holder.parent.type == "variable_declarator":
        declared = holder.parent.child_by_field_name("name")
    if declared is None:
        return None
    for reference in module.references(module.text(declared)):
        call = reference.parent
        if (
            call is not None
            and call.type == "call_expression"
            and call.child_by_field_name("function") == reference
        ):
            registration = analysis.mounted.get(call.id)
            if registration is not None:
                return registration
    return None
