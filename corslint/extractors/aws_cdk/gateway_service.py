"""An AWS CDK app (TypeScript / JavaScript stacks) read for API Gateway's own OPTIONS answer
to a Lambda handler (serverless_framework/gateway_options.py), into the same `Service` a
serverless.yml makes.

`new HttpApi(this, id)` (aws-apigatewayv2) without ``corsPreflight`` has no CORS
configuration: an OPTIONS request goes to a route that matches it, else API Gateway
answers 404 without CORS headers (AWS, "Configure CORS for HTTP APIs",
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html; "Create
routes for HTTP APIs": ``ANY`` and ``$default`` are the catch-alls). A ``defaultIntegration``
(the ``$default`` route), an ``ANY`` method or a ``{proxy+}`` path send OPTIONS to the
Lambda instead: its own answer then counts (unknown here).

Only where the whole chain is read, in every stack file of the app (the ``.ts`` / ``.js``
files under the folder of ``cdk.json`` that import aws-cdk-lib, tests and build output
aside, and any other naming `addRoutes`, `HttpApi` or a function construct): each Lambda construct (``lambda.Function`` with ``Code.fromAsset(dir)`` +
``handler: 'file.fn'``, ``NodejsFunction`` with ``entry``, ``PythonFunction`` with ``entry``
/ ``index``), its path made of literals, ``__dirname`` and ``path.join`` / ``resolve``; each
bound to a name (``const fn = new ...`` / ``this.fn = new ...``) or written inside its
integration; each ``new HttpLambdaIntegration(id, fn)``; each ``api.addRoutes({ path,
methods: [HttpMethod.POST], integration })`` on an ``HttpApi`` of the app. A use of a
function other than its integration, a grant or its settings (``addFunctionUrl``,
``addEventSource``, a REST ``LambdaIntegration``...) is another trigger. Anything else
(a route added through a helper, ``HttpRoute`` / ``Cfn*`` constructs, an imported API, a
function built by a factory): the whole app is unknown.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.extractors.serverless_framework.handler_files import handler_source
from corslint.extractors.serverless_framework.service_routes import (
    MAX_BYTES,
    Event,
    Function,
    Service,
    checked_events,
)
from corslint.model import Location, SourceError

CDK_APP = "cdk.json"
MAX_FILES = 400
SKIPPED = frozenset({"node_modules", "cdk.out", "dist", "build", "coverage", "test", "tests", "__tests__"})
_SUFFIXES = (".ts", ".js", ".mts", ".mjs", ".cts", ".cjs")
_LAMBDAS = frozenset(
    {"Function", "NodejsFunction", "PythonFunction", "DockerImageFunction", "SingletonFunction"}
)
# constructs whose routes or integrations are not read
_UNREAD = (
    b"HttpRoute(",
    b"CfnRoute(",
    b"CfnApi(",
    b"CfnIntegration(",
    b"fromHttpApiAttributes",
    b"addDefaultRoute",
)
# what a function's other uses may be without making it run for another trigger
_SETTINGS = frozenset(
    {
        "addEnvironment",
        "addToRolePolicy",
        "addLayers",
        "functionName",
        "functionArn",
        "role",
        "grantPrincipal",
    }
)
# a file that may build functions or routes (one that only receives the API and adds a
# route, importing nothing from aws-cdk-lib itself, included)
_CDK_MARKERS = (
    b"aws-cdk-lib",
    b"@aws-cdk/",
    b"addRoutes",
    b"HttpLambdaIntegration",
    b"HttpApi",
    b"Function(",
)
_PATH_CALLS = frozenset({"join", "resolve", "path.join", "path.resolve"})


class _Unread(Exception):
    """A link of the chain is not read: the whole app is unknown."""


def _class(module: JsModule, node: Node) -> str:
    constructor = node.child_by_field_name("constructor")
    return module.text(constructor).rsplit(".", 1)[-1] if constructor is not None else ""


def _arguments(node: Node) -> list[Node]:
    arguments = node.child_by_field_name("arguments")
    return [child for child in arguments.named_children if child.type != "comment"] if arguments else []


def _pairs(module: JsModule, node: Node | None, depth: int = 0) -> dict[str, Node]:
    """The properties of an object literal (or a name bound to one); _Unread otherwise."""
    if node is None or depth > 3:
        raise _Unread
    node = unwrap(node)
    if node.type == "identifier":
        bound = module.binding(module.text(node))
        return _pairs(module, bound, depth + 1)
    if node.type != "object":
        raise _Unread
    found: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == "comment":
            continue
        if child.type == "shorthand_property_identifier":
            found[module.text(child)] = child
            continue
        key = child.child_by_field_name("key") if child.type == "pair" else None
        value = child.child_by_field_name("value") if child.type == "pair" else None
        if key is None or value is None or key.type not in ("property_identifier", "string"):
            raise _Unread  # a spread, a method, a computed key
        found[string_value(key) if key.type == "string" else module.text(key)] = value  # type: ignore[index]
    return found


def _key(module: JsModule, node: Node) -> str:
    """How a construct is named where it is used (`fn`, `this.fn`), with its file."""
    node = unwrap(node)
    if node.type == "identifier":
        return f"{module.path}#{module.text(node)}"
    if node.type == "member_expression" and module.text(node).startswith("this."):
        return f"{module.path}#{module.text(node).replace(' ', '')}"
    raise _Unread


def _inline(module: JsModule, node: Node) -> str:
    return f"{module.path}@{node.start_byte}"


def _bound_name(module: JsModule, node: Node) -> str | None:
    """`fn` in `const fn = new X(...)`, `this.fn` in `this.fn = new X(...)`; None otherwise."""
    parent = node.parent
    while parent is not None and parent.type in (
        "as_expression",
        "parenthesized_expression",
        "satisfies_expression",
    ):
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return module.text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        text = module.text(left).replace(" ", "") if left is not None else ""
        return text if text.startswith("this.") and text.count(".") == 1 else None
    return None


@dataclass
class _App:
    """What the stack files of one CDK app say, read one file after another."""

    root: str
    sources: dict[str, str | None] = field(default_factory=dict)  # function key -> handler file
    events: dict[str, list[Event]] = field(default_factory=dict)
    apis: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    def path(self, module: JsModule, node: Node, depth: int = 0) -> str:
        """A path made of literals, `__dirname` and path.join / resolve (relative: to the app)."""
        node = unwrap(node)
        text = string_value(node)
        if text is not None:
            return text
        if node.type == "identifier" and module.text(node) == "__dirname" and module.file is not None:
            return os.path.dirname(os.path.abspath(module.file))
        if node.type == "identifier" and depth < 3:
            bound = module.binding(module.text(node))
            if bound is not None:
                return self.path(module, bound, depth + 1)
        if node.type == "call_expression" and depth < 5:
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee).replace(" ", "") in _PATH_CALLS:
                parts = [self.path(module, argument, depth + 1) for argument in _arguments(node)]
                if parts:
                    return os.path.normpath(os.path.join(*parts))
        raise _Unread

    def absolute(self, module: JsModule, node: Node) -> str:
        found = self.path(module, node)
        return found if os.path.isabs(found) else os.path.normpath(os.path.join(self.root, found))

    def lambda_source(self, module: JsModule, node: Node, kind: str) -> str | None:
        arguments = _arguments(node)
        if kind == "DockerImageFunction":
            return None
        props = _pairs(module, arguments[2] if len(arguments) > 2 else None)
        if kind in ("NodejsFunction", "PythonFunction"):
            if "entry" not in props:
                raise _Unread  # CDK's default entry beside the stack: not read
            entry = self.absolute(module, props["entry"])
            if kind == "NodejsFunction":
                return os.path.realpath(entry) if os.path.isfile(entry) else None
            index = string_value(unwrap(props["index"])) if "index" in props else "index.py"
            handler = string_value(unwrap(props["handler"])) if "handler" in props else "handler"
            if index is None or handler is None:
                raise _Unread
            source = os.path.join(entry, index)
            return os.path.realpath(source) if os.path.isfile(source) else None
        code, handler_node = props.get("code"), props.get("handler")
        if code is None or handler_node is None:
            raise _Unread
        code = unwrap(code)
        callee = code.child_by_field_name("function") if code.type == "call_expression" else None
        called = module.text(callee).rsplit(".", 1)[-1] if callee is not None else ""
        if called != "fromAsset":
            if called in ("fromInline", "fromBucket", "fromEcrImage", "fromAssetImage"):
                return None  # no file of the project
            raise _Unread
        handler = string_value(unwrap(handler_node))
        assets = _arguments(code)
        if handler is None or not assets:
            raise _Unread
        found = handler_source(self.absolute(module, assets[0]), handler)
        return os.path.realpath(found) if found is not None else None

    def read(self, module: JsModule) -> None:
        integrations: dict[str, str] = {}  # integration name -> function key
        for node in module.of_kind("new_expression"):
            kind = _class(module, node)
            if kind in _LAMBDAS:
                self.function(module, node, kind)
            elif kind == "HttpApi":
                self.api(module, node)
            elif kind == "HttpLambdaIntegration":
                target = self.integrated(module, node)
                name = _bound_name(module, node)
                if name is not None:
                    integrations[name] = target
                elif not self.inside_routes(module, node):
                    raise _Unread
        for name in integrations:
            if not all(self.inside_routes(module, use) for use in module.references(name)):
                raise _Unread  # an integration handed to something else
        for call in module.of_kind("call_expression"):
            callee = call.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression":
                prop = callee.child_by_field_name("property")
                if prop is not None and module.text(prop) == "addRoutes":
                    self.routes(module, call, integrations)
        self.other_uses(module)

    def function(self, module: JsModule, node: Node, kind: str) -> None:
        if kind == "Function" and len(_arguments(node)) != 3:
            return  # JavaScript's own `new Function(body)`
        name = _bound_name(module, node)
        key = f"{module.path}#{name}" if name is not None else _inline(module, node)
        if name is None and not _inside_integration(module, node):
            raise _Unread  # built where its uses are not followed
        if key in self.sources:
            raise _Unread  # two constructs under one name
        self.sources[key] = self.lambda_source(module, node, kind)
        self.events.setdefault(key, [])

    def api(self, module: JsModule, node: Node) -> None:
        name = _bound_name(module, node)
        if name is None:
            raise _Unread
        arguments = _arguments(node)
        if len(arguments) > 2:
            props = _pairs(module, arguments[2])
            if {"corsPreflight", "defaultIntegration"} & set(props):
                raise _Unread  # API Gateway's own CORS answer, or the $default route
        self.apis.add(f"{module.path}#{name}")

    def integrated(self, module: JsModule, node: Node) -> str:
        arguments = _arguments(node)
        if len(arguments) < 2:
            raise _Unread
        target = unwrap(arguments[1])
        if target.type == "new_expression":
            return _inline(module, target)
        return _key(module, target)

    def inside_routes(self, module: JsModule, node: Node) -> bool:
        """Whether `node` is the `integration` of an `addRoutes({...})` (an integration
        given to anything else may route OPTIONS to its function)."""
        pair = node.parent if node.type != "shorthand_property_identifier" else node
        if pair is None or (
            pair.type == "pair" and module.text(pair.child_by_field_name("key")) != "integration"
        ):
            return False
        owner = pair.parent
        arguments = owner.parent if owner is not None and owner.type == "object" else None
        call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        callee = call.child_by_field_name("function") if call is not None else None
        prop = (
            callee.child_by_field_name("property")
            if callee is not None and callee.type == "member_expression"
            else None
        )
        return prop is not None and module.text(prop) == "addRoutes"

    def routes(self, module: JsModule, call: Node, integrations: dict[str, str]) -> None:
        callee = call.child_by_field_name("function")
        receiver = callee.child_by_field_name("object") if callee is not None else None
        if receiver is None or _key(module, receiver) not in self.apis:
            raise _Unread  # routes of an API made elsewhere
        arguments = _arguments(call)
        if len(arguments) != 1:
            raise _Unread
        props = _pairs(module, arguments[0])
        if not {"path", "integration"} <= set(props) or set(props) - {
            "path",
            "methods",
            "integration",
            "authorizer",
            "authorizationScopes",
        }:
            raise _Unread
        path = string_value(unwrap(props["path"]))
        if path is None:
            raise _Unread
        integration = unwrap(props["integration"])
        if integration.type == "new_expression" and _class(module, integration) == "HttpLambdaIntegration":
            target = self.integrated(module, integration)
        elif (
            integration.type in ("identifier", "shorthand_property_identifier")
            and module.text(integration) in integrations
        ):
            target = integrations[module.text(integration)]
        else:
            raise _Unread
        if target not in self.events:
            raise _Unread  # a function not built in a file read before this one
        methods = ["ANY"]
        if "methods" in props:
            listed = unwrap(props["methods"])
            if listed.type != "array":
                raise _Unread
            methods = []
            for item in listed.named_children:
                text = module.text(item).replace(" ", "")
                if item.type != "member_expression" or not text.rsplit(".", 2)[-2:-1] == ["HttpMethod"]:
                    raise _Unread
                methods.append(text.rsplit(".", 1)[-1])
        location = module.location(arguments[0])
        self.events[target] += [Event("httpApi", method, path, False, location) for method in methods]

    def other_uses(self, module: JsModule) -> None:
        """Each function used here other than in its integration, a grant or its settings
        runs for another trigger too."""
        for key in list(self.events):
            file, _, name = key.partition("#")
            if file != module.path or not name:
                continue
            if name.startswith("this."):
                uses = [
                    n for n in module.of_kind("member_expression") if module.text(n).replace(" ", "") == name
                ]
            else:
                uses = module.references(name)
            for use in uses:
                if not _plain_use(module, use):
                    self.events[key].append(Event("", "", "", False, module.location(use)))

    def service(self, config: str, size: int) -> Service:
        functions = []
        for key, source in self.sources.items():
            checked = checked_events(self.events[key])
            if checked is None:
                raise _Unread  # a route that takes OPTIONS to a function
            functions.append(Function(source, checked))
        return Service(config, tuple(functions), size, "cdk")


def _inside_integration(module: JsModule, node: Node) -> bool:
    parent = node.parent
    owner = parent.parent if parent is not None and parent.type == "arguments" else None
    return (
        owner is not None
        and owner.type == "new_expression"
        and _class(module, owner) == "HttpLambdaIntegration"
    )


def _plain_use(module: JsModule, use: Node) -> bool:
    parent = use.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator" or (
        parent.type == "assignment_expression" and parent.child_by_field_name("left") == use
    ):
        return True  # its own declaration
    if parent.type == "member_expression" and parent.child_by_field_name("object") == use:
        prop = parent.child_by_field_name("property")
        return prop is not None and module.text(prop) in _SETTINGS
    if parent.type == "arguments":
        owner = parent.parent
        if owner is not None and owner.type == "new_expression":
            return _class(module, owner) == "HttpLambdaIntegration"
        callee = owner.child_by_field_name("function") if owner is not None else None
        if callee is not None and callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            return prop is not None and module.text(prop).startswith("grant")
    return False


def _stack_files(root: str) -> list[str] | None:
    found: list[str] = []
    seen = 0
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(_SUFFIXES) or name.endswith((".d.ts", ".test.ts", ".spec.ts", ".test.js")):
                continue
            seen += 1
            if seen > MAX_FILES:
                return None
            found.append(os.path.join(folder, name))
    return found


def read_cdk_service(config: str) -> Service | None:
    """The functions and HTTP API routes of the CDK app whose `cdk.json` is `config`; None
    when any link is not read (see the module)."""
    root = os.path.dirname(config)
    try:
        with open(config, encoding="utf-8") as file:
            settings = json.load(file)
    except (OSError, ValueError):
        return None
    app = settings.get("app") if isinstance(settings, dict) else None
    if not isinstance(app, str) or not any(marker in app for marker in (".ts", ".js", "ts-node", "tsx")):
        return None  # a Python, Java or Go app
    files = _stack_files(root)
    if files is None:
        return None
    project = JsProject()
    read = _App(root)
    size = 0
    try:
        stacks: list[tuple[str, bytes]] = []
        for path in files:
            if os.path.getsize(path) > MAX_BYTES:
                continue
            with open(path, "rb") as file:
                data = file.read()
            if any(marker in data for marker in _CDK_MARKERS):
                if any(marker in data for marker in _UNREAD):
                    return None
                stacks.append((path, data))
        # functions first, in every file, then the routes that name them
        modules = [project.module(path, data.decode("utf-8", "replace"), Path(path)) for path, data in stacks]
        for module in sorted(modules, key=lambda m: b"addRoutes" in m.source):
            read.read(module)
            size += len(module.source)
        _other_files_use(read, stacks)
        return read.service(config, size)
    except (_Unread, SourceError, OSError):
        return None


def _other_files_use(read: _App, stacks: list[tuple[str, bytes]]) -> None:
    """A function kept on the stack (`this.fn`) that another file names (`stack.fn`) may be
    used there: another trigger, as far as this reading goes."""
    for key in read.events:
        file, _, name = key.partition("#")
        if not name.startswith("this."):
            continue
        wanted = name[len("this") :].encode()  # `.fn`
        for path, data in stacks:
            if path != file and wanted in data:
                read.events[key].append(Event("", "", "", False, Location.point(path, 1)))
