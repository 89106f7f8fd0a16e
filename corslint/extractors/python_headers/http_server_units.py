"""The standard library's `http.server`: a `BaseHTTPRequestHandler` (or
`SimpleHTTPRequestHandler`) subclass writes its headers with `self.send_header(name,
value)` between `self.send_response(status)` and `self.end_headers()`.

Measured with CPython 3.11's http.server (tests/test_python_headers.py runs the fixture
handlers on a real `ThreadingHTTPServer`): `send_header` adds a line, a second one for the
same name included; a request whose method has no `do_<METHOD>` is answered by
`send_error(501)`, and `send_error` goes through `end_headers` like every other answer,
so an `end_headers` override writes its headers onto every response, that 501 included.
Without `do_OPTIONS` every preflight therefore fails (501), whatever headers it carries.
`SimpleHTTPRequestHandler` brings `do_GET` and `do_HEAD` of its own, no `do_OPTIONS`."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.callees import static_method
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.imported_header_names import reads_imported_headers
from corslint.extractors.python_headers.unit import Function, Phase, Unit, writes_cors
from corslint.model import Route

# a method without `do_<METHOD>` is refused (`send_error(501)`): like the 405 of other
# frameworks, the model's "not answered" (frameworks/python_headers.py, `options_status`)
NOT_IMPLEMENTED = None
_HANDLERS = frozenset(
    {
        "http.server.BaseHTTPRequestHandler",
        "http.server.SimpleHTTPRequestHandler",
        "http.server.CGIHTTPRequestHandler",
        "BaseHTTPServer.BaseHTTPRequestHandler",  # Python 2 names, still seen in old scripts
        "SimpleHTTPServer.SimpleHTTPRequestHandler",
        "CGIHTTPServer.CGIHTTPRequestHandler",
        # XML-RPC servers' handlers: BaseHTTPRequestHandler subclasses answering POST only
        "xmlrpc.server.SimpleXMLRPCRequestHandler",
        "SimpleXMLRPCServer.SimpleXMLRPCRequestHandler",
        "defusedxml.xmlrpc.xmlrpc_server.SimpleXMLRPCRequestHandler",  # the stdlib module, re-exported
    }
)
_MODULES = frozenset({"BaseHTTPServer", "SimpleHTTPServer", "CGIHTTPServer", "SimpleXMLRPCServer"})
_VERBS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# the calls that make the answer's status line
ANSWERING = frozenset({"send_response", "send_response_only", "send_error"})
# the calls that flush what was written: the `end_headers` override is read as its own phase
FLUSHING = frozenset({"end_headers", "flush_headers"})


def uses_http_server(module: PythonModule) -> bool:
    return any(
        qualified.split(".", 1)[0] in _MODULES
        or qualified in {"http.server", "xmlrpc.server", "defusedxml.xmlrpc"}
        or qualified.startswith(("http.server.", "xmlrpc.server.", "defusedxml.xmlrpc."))
        # `import http.server` binds `http`; the handler's base is `http.server.X`
        # (00UtKu00/XalgoHub app/server.py)
        or (qualified == "http" and "http.server." in module.text)
        for qualified in module.imports.values()
    )


def http_server_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    classes = {node.name: node for node in ast.walk(module.tree) if isinstance(node, ast.ClassDef)}
    units: list[Unit] = []
    for node in classes.values():
        lineage = _lineage(node, classes)
        stdlib = _stdlib_base(module, lineage)
        if stdlib is None or not any(
            _writes_cors(module, f, cls)
            for cls in lineage
            for f in cls.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        ):
            continue
        if any(c is not node and node in _lineage(c, classes) for c in classes.values()):
            continue  # a base the project subclasses: read as part of the subclass
        methods: dict[str, tuple[Function, ast.ClassDef]] = {}
        for cls in lineage:
            for function in cls.body:
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.setdefault(function.name, (function, cls))
        phases: list[Phase] = []
        for verb in _VERBS:
            found = methods.get(f"do_{verb}")
            if found is None:
                continue
            function, cls = found
            if verb != "OPTIONS" and not _writes_cors(module, function, cls):
                continue
            base = ("OPTIONS",) if verb == "OPTIONS" else (f"METHOD:{verb}",)
            # a simple request's status does not decide what the browser reads
            phases.append(_phase(function, cls, module, base, status_free=verb != "OPTIONS"))
        # an override of `end_headers`, or of `send_response` (which `send_error` calls
        # too), adds its headers to every answer
        # read first: their lines come after the method's own, but every line is added
        # (nothing a later line replaces), and a finding about the headers every answer
        # carries belongs at the override that writes them
        for hook in ("end_headers", "send_response"):
            if hook in methods and (hook == "end_headers" or _writes_cors(module, *methods[hook])):
                function, cls = methods[hook]
                phases.insert(0, _phase(function, cls, module, (), status_free=False))
        if not any(_writes_cors(module, phase.function, phase.owner) for phase in phases):
            continue
        served = [v for v in _VERBS if f"do_{v}" in methods]
        if stdlib.endswith("SimpleHTTPRequestHandler"):
            served += [v for v in ("GET", "HEAD") if v not in served]
        if "do_OPTIONS" not in methods:
            status: int | str | None = NOT_IMPLEMENTED
        elif _answers(module, methods["do_OPTIONS"][0], methods["do_OPTIONS"][1]):
            status = 200  # stands only where no `send_response` of its own was read
        else:
            status = "unknown"
        location = module.location(node)
        routes = tuple(Route("/", (verb,), location) for verb in served if verb != "OPTIONS")
        units.append(
            Unit("http_server", "handler", location, phases, status, f"handler {node.name}", routes or None)
        )
        covered.update(
            f for cls in lineage for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
    return units


def _phase(
    function: Function, owner: ast.ClassDef, module: PythonModule, base: tuple[str, ...], status_free: bool
) -> Phase:
    # `self.headers` is the request's headers, `self.path` its path, `self.command` its method
    return Phase(
        module,
        function,
        requests=frozenset({"self"}),
        base=base,
        self_writes=True,
        owner=owner,
        status_free=status_free,
    )


def _writes_cors(module: PythonModule, function: Function, owner: ast.ClassDef | None) -> bool:
    """The method, a method of its class it calls (`self._cors_headers()`) or a module
    function it hands itself to (`add_cors(self)`, two calls deep) names a CORS header,
    or it reads headers imported from another module (`cors_headers()`)."""
    if writes_cors(module, function) or reads_imported_headers(module, function):
        return True
    named = {
        f.name: f
        for f in (owner.body if owner is not None else [])
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    called = {
        n.func.attr
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and dotted(n.func.value) == "self"
    }
    if any(name in named and name not in FLUSHING and writes_cors(module, named[name]) for name in called):
        return True
    if any(
        isinstance(n, ast.Call)
        and (static := static_method(module, n.func)) is not None
        and writes_cors(module, static)
        for n in ast.walk(function)
    ):
        return True
    return any(_module_writer(module, name, 2) for name in _module_calls(function))


def _module_calls(function: Function) -> set[str]:
    return {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _module_writer(module: PythonModule, name: str, depth: int) -> bool:
    found = next(
        (
            f
            for f in module.tree.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == name
        ),
        None,
    )
    if found is None:
        return False
    if writes_cors(module, found):
        return True
    return depth > 1 and any(_module_writer(module, inner, depth - 1) for inner in _module_calls(found))


def _answers(module: PythonModule, function: Function, owner: ast.ClassDef) -> bool:
    """`do_OPTIONS` makes a status line itself, or through a method of its class."""
    named = {f.name: f for f in owner.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for reached in (function, *(named[n] for n in _self_calls(function) if n in named)):
        if any(name in ANSWERING for name in _self_calls(reached)):
            return True
    # `preflight(self)`: a module function that answers through the handler it is handed
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ANSWERING
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in _module_calls(function)
        for n in ast.walk(f)
    )


def _self_calls(function: Function) -> list[str]:
    return [
        n.func.attr
        for n in ast.walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and dotted(n.func.value) == "self"
    ]


def _stdlib_base(module: PythonModule, lineage: list[ast.ClassDef]) -> str | None:
    wrapped = _factory_bases(module)
    for cls in lineage:
        for base in cls.bases:
            qualified = module.qualified_name(base) or ""
            if qualified in _HANDLERS:
                return qualified
            if (cls.name, dotted(base)) in wrapped:
                return _WRAPPED
    return None


_WRAPPED = "http.server.BaseHTTPRequestHandler"  # the handler class a factory is handed


def _factory_bases(module: PythonModule) -> set[tuple[str, str]]:
    """(class, parameter): a class a module function makes on the handler class it is
    handed and returns (`def cors_middleware(handler_class): class CORSHandler(handler_class):
    ...; return CORSHandler`, then `handler = cors.cors_middleware(handler)` in the Vercel
    function: census 6 P28): in a module that imports http.server, a request handler."""
    found: set[tuple[str, str]] = set()
    for function in module.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = {a.arg for a in function.args.args}
        returned = {
            dotted(n.value) for n in function.body if isinstance(n, ast.Return) and n.value is not None
        }
        for cls in function.body:
            if isinstance(cls, ast.ClassDef) and cls.name in returned:
                found.update((cls.name, dotted(b)) for b in cls.bases if dotted(b) in names)
    return found


def _lineage(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """The class and its bases defined in this module, nearest first."""
    found = [node]
    for cls in found:
        for base in cls.bases:
            parent = classes.get(dotted(base))
            if parent is not None and parent not in found:
                found.append(parent)
    return found
