"""Hand-written CORS headers in Python (Flask, Django, Starlette/FastAPI, Tornado).

The differential tests run each fixture project's own code in the real framework (Flask's
test client, Django's request factory, Starlette's TestClient, a Tornado server) and
replay the probe battery against it and against the policy corslint extracted from the
same code; status and CORS headers must agree header by header. A few small apps written
here cover what the fixtures do not: missing request headers, values Python converts.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib
import inspect
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django
from tests.probe_battery import battery, cors_headers

flask = pytest.importorskip("flask")
django = pytest.importorskip("django")
starlette = pytest.importorskip("starlette")

# one Django configuration per test session, the one the django-cors-headers differential
# tests need too (corsheaders installed, so its system checks are registered)
configure_django("tests.django_setup")

from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

PROJECTS = FIXTURES / "python_headers"
Real = tuple[int, list[tuple[str, str]]]  # status, header lines
Sender = Callable[[Request], Real]
CLOSED = 599  # Tornado closes the connection: no response at all


# -- loading a project's code ---------------------------------------------------------------
@contextlib.contextmanager
def importable(project: Path) -> Iterator[None]:
    """The project's modules importable by their own names (hiding any module of the same
    name loaded before, by another test), forgotten afterwards."""
    names = {p.stem for p in project.glob("*.py")} | {p.name for p in project.iterdir() if p.is_dir()}

    def ours(name: str) -> bool:
        return name.split(".", 1)[0] in names

    hidden = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in hidden:
        del sys.modules[name]
    sys.path.insert(0, str(project))
    try:
        yield
    finally:
        sys.path.remove(str(project))
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(hidden)


@contextlib.contextmanager
def project_settings(project: Path) -> Iterator[None]:
    """The project's own Django settings that Django itself does not define
    (`GRAPHQL_ORIGINS`), for code that reads `django.conf.settings`."""
    from django.conf import global_settings
    from django.test import override_settings

    values: dict[str, Any] = {}
    for path in sorted(project.rglob("settings.py")):
        loaded = module_of(project, path.relative_to(project).as_posix())
        values.update(
            {
                name: value
                for name, value in vars(loaded).items()
                if name.isupper() and not hasattr(global_settings, name)
            }
        )
    with override_settings(**values):
        yield


def module_of(project: Path, relative: str) -> Any:
    path = Path(relative)
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return importlib.import_module(".".join(parts))


def _derpconf_defaults(project: Path) -> SimpleNamespace:
    """A derpconf `Config` loaded from a file that sets nothing: each key answers the
    default its `Config.define(key, default, ...)` declares (derpconf's README; derpconf is
    not installed here, so the fixture's literal defaults are read)."""
    found: dict[str, Any] = {}
    for path in project.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "derpconf" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "define"
            ):
                found[ast.literal_eval(node.args[0])] = ast.literal_eval(node.args[1])
    return SimpleNamespace(**found)


def project_modules(project: Path) -> list[Any]:
    found = []
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project).as_posix()
        if relative.endswith("settings.py"):
            continue
        found.append(module_of(project, relative))
    return found


def described(policy: CorsPolicy) -> str:
    """What the layer is, from the policy's label: "middleware EchoOriginMiddleware"."""
    return policy.label.split("(", 1)[1].rsplit(")", 1)[0]


def named(policy: CorsPolicy, kind: str) -> str:
    """The name after `kind` in the label: `handler X` -> X, `@d on view()` -> view."""
    return described(policy).split(kind, 1)[1].strip().removesuffix("()")


def defined_at(function: Any, policy: CorsPolicy) -> bool:
    """Whether the view `function` is the one decorated at the policy's line."""
    target = inspect.unwrap(function)
    code = getattr(target, "__code__", None)
    if code is None or not code.co_filename.endswith(policy.location.path):
        return False
    source, first = inspect.getsourcelines(target)
    return first <= policy.location.line < first + len(source)


# -- the real frameworks ----------------------------------------------------------------------
def wraps_here(function: Any, policy: CorsPolicy) -> bool:
    """Whether `function` is, or wraps, a wrapper made by the decorator the policy reads."""
    while hasattr(function, "__wrapped__"):
        code = getattr(function, "__code__", None)
        if code is not None and code.co_filename.endswith(policy.location.path):
            return True
        function = function.__wrapped__
    return False


def flask_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    app = None
    for module in project_modules(project):
        candidate = getattr(module, "app", None)
        if isinstance(candidate, flask.Flask):
            app = candidate
        elif app is None and callable(getattr(module, "create_app", None)):
            app = module.create_app()
    # a project with several apps: the one whose hook the policy reads
    hooked = [
        candidate
        for module in project_modules(project)
        for candidate in vars(module).values()
        if isinstance(candidate, flask.Flask)
        and any(
            defined_at(hook, policy) for hooks in candidate.after_request_funcs.values() for hook in hooks
        )
    ]
    app = hooked[0] if hooked else app
    assert app is not None, f"{project.name}: no Flask app"
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    chosen = [r for r in rules if defined_at(app.view_functions[r.endpoint], policy)]
    chosen = chosen or [r for r in rules if wraps_here(app.view_functions[r.endpoint], policy)]
    chosen = chosen or [next((r for r in rules if "GET" in (r.methods or ())), rules[0])]
    client = app.test_client()
    senders = []
    for rule in chosen:
        path = rule.rule.replace("<int:", "<").split("<")[0] + ("1" if "<" in rule.rule else "")
        methods = sorted((rule.methods or set()) - {"OPTIONS", "HEAD"})

        def send(request: Request, path: str = path) -> Real:
            headers = dict(request.headers)
            if request.origin is not None:
                headers["Origin"] = request.origin
            answer = client.open(path, method=request.method, headers=headers)
            return answer.status_code, list(answer.headers.items())

        senders.append((send, "GET" if "GET" in methods else methods[0]))
    return senders


def django_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    module = module_of(project, policy.location.path)
    label = described(policy)
    target: Callable[[HttpRequest], HttpResponse] | None = None

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("from the view")

    if label.startswith("middleware "):
        target = getattr(module, named(policy, "middleware "))(view)
    elif label.startswith("@"):
        views = [v for m in project_modules(project) for v in vars(m).values() if wraps_here(v, policy)]
        # a decorator on class-view methods: the class views whose methods it wraps
        views += [
            v.as_view()
            for m in project_modules(project)
            for v in vars(m).values()
            if isinstance(v, type)
            and hasattr(v, "as_view")
            and any(wraps_here(f, policy) for f in vars(v).values())
        ]
        return [sender for target in dict.fromkeys(views) for sender in django_call(target)]
    elif label.startswith("helper "):
        helper = getattr(module, named(policy, "helper "))
        names = [
            name
            for name, parameter in inspect.signature(helper).parameters.items()
            if parameter.default is inspect.Parameter.empty
        ]

        def target(request: HttpRequest) -> HttpResponse:
            # as a view calls it: the request, a response, or some data where it wants them
            given = {
                name: request
                if name in {"request", "req"}
                else HttpResponse("x")
                if name in {"response", "resp", "reply"}
                else {"ok": True}
                for name in names
            }
            return helper(**given)

    elif "." in named(policy, "view "):
        # a class view's own hook (`view CorsMixin.dispatch()`): the views using the class
        owner = getattr(module, named(policy, "view ").split(".", 1)[0])
        views = [
            v
            for m in project_modules(project)
            for v in vars(m).values()
            if isinstance(v, type) and issubclass(v, owner) and hasattr(v, "as_view")
        ]
        return [sender for view_class in dict.fromkeys(views) for sender in django_call(view_class.as_view())]
    else:
        target = getattr(module, named(policy, "view "))
        if isinstance(target, type):
            target = target.as_view()
    assert target is not None
    return django_call(target)


def django_call(target: Callable[[HttpRequest], HttpResponse]) -> list[tuple[Sender, str]]:
    factory = RequestFactory()

    def send(request: Request) -> Real:
        meta: dict[str, str] = {}
        if request.origin is not None:
            meta["HTTP_ORIGIN"] = request.origin
        for header, value in request.headers:
            meta["HTTP_" + header.upper().replace("-", "_")] = value
        try:
            path = request.path if request.path != "/" else "/probe"  # a layer's path prefix kept
            answer = target(factory.generic(request.method, path, **meta))  # type: ignore[arg-type]
        except Exception:
            return 500, []  # what Django's handler makes of an exception
        return answer.status_code, list(answer.headers.items())

    return [(send, "GET")]


def served_factory_app(module: Any) -> Any:
    """The app a server builds with `uvicorn --factory module:build` (the module's one
    function that takes no required argument and returns a Starlette app), else None."""
    from starlette.applications import Starlette

    for function in vars(module).values():
        if not inspect.isfunction(function) or function.__module__ != module.__name__:
            continue
        if any(p.default is p.empty for p in inspect.signature(function).parameters.values()):
            continue
        built = function()
        if isinstance(built, Starlette):
            return built
    return None


def starlette_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    module = module_of(project, policy.location.path)
    # a middleware class in a module of its own: the app of the module that adds it
    app = (
        getattr(module, "app", None)
        or served_factory_app(module)
        or next(m.app for m in project_modules(project) if hasattr(m, "app"))
    )
    routes = [
        r
        for r in app.routes
        if getattr(r, "methods", None) and not r.path.startswith(("/docs", "/openapi", "/redoc"))
    ]
    chosen = next((r for r in routes if defined_at(r.endpoint, policy)), None) or next(
        r for r in routes if "GET" in r.methods
    )
    path = chosen.path.split("{")[0] + ("1" if "{" in chosen.path else "")
    methods = sorted(set(chosen.methods) - {"HEAD", "OPTIONS"})
    client = TestClient(app, raise_server_exceptions=False)

    def send(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        answer = client.request(request.method, path, headers=headers)
        return answer.status_code, list(answer.headers.multi_items())

    return [(send, "GET" if "GET" in methods else methods[0])]


def _runs_policy_line(function: Any, policy: CorsPolicy) -> bool:
    """Whether `function` itself (a wrapper without `functools.wraps`), or a class, holds the
    policy's line."""
    try:
        filename = inspect.getsourcefile(function) or ""
        source, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return False
    if not filename.endswith(policy.location.path):
        return False
    return first <= policy.location.line < first + len(source)


def _path_arguments(verb: Any) -> int:
    """How many positional arguments after `self` a handler verb needs, looking through a
    home-made decorator's closure (no `functools.wraps`) to the verb it wraps."""
    seen = 0
    while verb is not None and seen < 5:
        seen += 1
        inner = [
            cell.cell_contents
            for cell in getattr(verb, "__closure__", None) or ()
            if inspect.isfunction(cell.cell_contents)
        ]
        if not inner:
            break
        verb = inner[0]
    if verb is None or not inspect.isfunction(verb):
        return 0
    parameters = list(inspect.signature(verb).parameters.values())[1:]
    return sum(p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in parameters)


def tornado_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    tornado_web = pytest.importorskip("tornado.web")
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    module = module_of(project, policy.location.path)
    if described(policy).startswith("@"):
        # a home-made decorator on handler verbs: the handler whose verbs it wraps
        base = next(
            value
            for found in project_modules(project)
            for value in vars(found).values()
            if isinstance(value, type)
            and issubclass(value, tornado_web.RequestHandler)
            and (
                _runs_policy_line(value, policy)
                or any(wraps_here(f, policy) or _runs_policy_line(f, policy) for f in vars(value).values())
            )
        )
        module = sys.modules[base.__module__]
    else:
        base = getattr(module, named(policy, "handler "))
    handlers = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, base) and "get" in vars(value)
    ] or [base]
    handler = handlers[0]
    methods = [
        m
        for m in ("GET", "POST", "PUT", "DELETE")
        if m.lower() in dir(handler)
        and getattr(handler, m.lower()) is not getattr(tornado_web.RequestHandler, m.lower())
    ]
    loop = asyncio.new_event_loop()
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]

    # a verb that takes the URL's groups (`def get(self, zoom)`): one path segment each
    groups = _path_arguments(getattr(handler, "get", None)) if described(policy).startswith("@") else 0
    if any(e.kind == "preflight-throws" for e in policy.evidence):
        groups = max(groups, 1)  # an `options(self)` under routes that capture (tornado_options_arguments.py)
    url_path = "/probe" + "/1" * groups
    route: tuple[Any, ...] = ("/probe" + r"/(\w+)" * groups, handler)
    if issubclass(handler, tornado_web.StaticFileHandler):
        # a static file handler serves the fixture's one asset under the probe's path
        asset = next(project.rglob("*.html"))
        route = ("/(probe)", _serving(handler, asset.name), {"path": str(asset.parent)})

    async def start() -> None:
        application = tornado_web.Application([route])
        application.config = _derpconf_defaults(project)  # type: ignore[attr-defined]
        server = HTTPServer(application)
        server.add_sockets(sockets)

    loop.run_until_complete(start())

    async def fetch(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        body = b"" if request.method in {"POST", "PUT", "PATCH"} else None
        try:
            answer = await AsyncHTTPClient().fetch(
                HTTPRequest(
                    f"http://127.0.0.1:{port}{url_path}",
                    method=request.method,
                    headers=headers,
                    body=body,
                    allow_nonstandard_methods=True,
                ),
                raise_error=False,
            )
        except (HTTPClientError, OSError):
            return CLOSED, []
        if answer.code == 599:
            return CLOSED, []
        return answer.code, list(answer.headers.get_all())

    def send(request: Request) -> Real:
        return loop.run_until_complete(fetch(request))

    return [(send, methods[0] if methods else "GET")]


def _serving(handler: Any, name: str) -> Any:
    """The static handler, asked for `name` whatever path the probe names."""

    class Serving(handler):  # type: ignore[misc, valid-type]
        def get(self, path: str, include_body: bool = True) -> Any:
            return super().get(name, include_body)

    return Serving


def aiohttp_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's aiohttp app (`app`, or `make_app()`) on aiohttp's test server."""
    web = pytest.importorskip("aiohttp.web")
    from aiohttp import ClientError
    from aiohttp.test_utils import TestClient as AiohttpClient
    from aiohttp.test_utils import TestServer

    app = None
    for module in project_modules(project):
        candidate = getattr(module, "app", None)
        if isinstance(candidate, web.Application):
            app = candidate
        elif app is None and callable(getattr(module, "make_app", None)):
            app = module.make_app()
    assert app is not None, f"{project.name}: no aiohttp app"
    path = next(
        r.resource.canonical
        for r in app.router.routes()
        if r.method == "GET" and r.resource is not None and "{" not in r.resource.canonical
    )
    loop = asyncio.new_event_loop()

    async def start() -> Any:
        started = AiohttpClient(TestServer(app))  # made inside the loop it runs on
        await started.start_server()
        return started

    client = loop.run_until_complete(start())

    async def fetch(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        try:
            answer = await client.request(request.method, path, headers=headers)
            await answer.read()
        except (ClientError, OSError):
            return CLOSED, []  # a header value aiohttp cannot write: the connection drops
        return answer.status, list(answer.headers.items())

    def send(request: Request) -> Real:
        return loop.run_until_complete(fetch(request))

    return [(send, "GET")]


async def inner_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """What an ASGI wrapper wraps in the tests: 200 and a body, no CORS headers."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"from the app"})


def asgi_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The wrapper class or factory the policy reads, around `inner_app`."""
    module = module_of(project, policy.location.path)
    wrapper = getattr(module, named(policy, "ASGI app "))
    client = TestClient(wrapper(inner_app), raise_server_exceptions=False)

    def send(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        answer = client.request(request.method, "/probe", headers=headers)
        return answer.status_code, list(answer.headers.multi_items())

    return [(send, "GET")]


def bottle_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's Bottle app (`app`, else the default app its `@hook`s went to),
    called as a WSGI app."""
    bottle = pytest.importorskip("bottle")
    bottle.app.push()  # a fresh default app for this project's module-level decorators
    try:
        modules = project_modules(project)
        app = next((m.app for m in modules if isinstance(getattr(m, "app", None), bottle.Bottle)), None)
        app = app or bottle.default_app()
    finally:
        bottle.app.pop()
    path = next(r.rule for r in app.routes if r.method == "GET" and "<" not in r.rule)
    return [(wsgi_sender(app, path), "GET")]


def wsgi_sender(app: Callable[..., Any], path: str) -> Sender:
    """Requests sent to a WSGI app as a server would; an exception out of it is a 500."""

    def send(request: Request) -> Real:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "PATH_INFO": path,
            "SERVER_NAME": "probe",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
        }
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        for name, value in headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer: dict[str, Any] = {}

        def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> None:
            answer["status"], answer["lines"] = int(status.split()[0]), lines

        try:
            b"".join(app(environ, start_response))
        except Exception:
            return 500, []
        return answer["status"], list(answer["lines"])

    return send


def pyramid_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The WSGI app the project's `main()` makes."""
    pytest.importorskip("pyramid")
    from pyramid.interfaces import IRoutesMapper

    factory = next(m.main for m in project_modules(project) if callable(getattr(m, "main", None)))
    app = factory({})
    routes = app.registry.getUtility(IRoutesMapper).get_routes()
    path = next(route.pattern for route in routes if "{" not in route.pattern)
    return [(wsgi_sender(app, path), "GET")]


def falcon_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's `falcon.App`, called as a WSGI app."""
    falcon = pytest.importorskip("falcon")
    from falcon.inspect import inspect_routes

    app = next(m.app for m in project_modules(project) if isinstance(getattr(m, "app", None), falcon.App))
    path = next(route.path for route in inspect_routes(app) if "{" not in route.path)
    return [(wsgi_sender(app, path), "GET")]


def http_server_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's handler class on a real `ThreadingHTTPServer` (ephemeral port, a
    thread of this process), asked over `http.client`."""
    import http.client
    import http.server
    import threading
    import xmlrpc.server

    module = module_of(project, policy.location.path)
    name = named(policy, "handler ")
    handler = getattr(module, name, None) or next(  # a class factory's class: where it is kept
        c
        for m in project_modules(project)
        for c in vars(m).values()
        if isinstance(c, type) and c.__name__ == name
    )
    if issubclass(handler, xmlrpc.server.SimpleXMLRPCRequestHandler):
        # an XML-RPC handler needs its server's dispatcher (one without the project's settings)
        server: http.server.HTTPServer = xmlrpc.server.SimpleXMLRPCServer(
            ("127.0.0.1", 0), requestHandler=handler, logRequests=False
        )
    else:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    served = [m for m in ("GET", "POST", "PUT", "DELETE") if hasattr(handler, f"do_{m}")]

    def send(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            body = b"" if request.method in {"POST", "PUT", "PATCH"} else None
            connection.request(request.method, "/", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            return answer.status, [(k, v) for k, v in answer.getheaders()]
        except (OSError, http.client.HTTPException):
            return CLOSED, []
        finally:
            connection.close()

    return [(send, served[0] if served else "GET")]


def sanic_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's Sanic app asked through its ASGI test client (sanic-testing)."""
    sanic = pytest.importorskip("sanic")
    pytest.importorskip("sanic_testing")
    sanic.Sanic.test_mode = True  # the fixtures may reuse an app name
    modules = project_modules(project)
    app = next(m.app for m in modules if isinstance(getattr(m, "app", None), sanic.Sanic))
    path = next(route.path for route in app.router.routes if "GET" in route.methods and "<" not in route.path)

    def send(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        _, answer = asyncio.run(
            app.asgi_client.request(request.method, f"/{path.lstrip('/')}", headers=headers)
        )
        return answer.status, list(answer.headers.multi_items())

    return [(send, "GET")]


def quart_senders(project: Path, policy: CorsPolicy) -> list[tuple[Sender, str]]:
    """The project's Quart app, started once (its `before_serving` functions run, as
    hypercorn runs them), asked through its test client."""
    quart = pytest.importorskip("quart")
    app = next(m.app for m in project_modules(project) if isinstance(getattr(m, "app", None), quart.Quart))
    path = next(r.rule for r in app.url_map.iter_rules() if r.endpoint != "static" and "<" not in r.rule)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(app.startup())
    client = app.test_client()

    def send(request: Request) -> Real:
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        answer = loop.run_until_complete(client.open(path, method=request.method, headers=headers))
        return answer.status_code, list(answer.headers.items())

    return [(send, "GET")]


SENDERS: dict[str, Callable[[Path, CorsPolicy], list[tuple[Sender, str]]]] = {
    "flask_headers": flask_senders,
    "django_headers": django_senders,
    "starlette_headers": starlette_senders,
    "tornado_headers": tornado_senders,
    "aiohttp_headers": aiohttp_senders,
    "asgi_headers": asgi_senders,
    "bottle_headers": bottle_senders,
    "pyramid_headers": pyramid_senders,
    "falcon_headers": falcon_senders,
    "http_server_headers": http_server_senders,
    "sanic_headers": sanic_senders,
    "quart_headers": quart_senders,
}


# -- comparing --------------------------------------------------------------------------------
def normalised(headers: dict[str, str]) -> dict[str, str]:
    """Methods compared as a set: Flask lists a route's `Allow` in set order."""
    found = dict(headers)
    # two Allow-Origin lines are refused whatever their order (an http.server `end_headers`
    # override's line is read before the method's own: its finding belongs there)
    if ", " in found.get("access-control-allow-origin", ""):
        found["access-control-allow-origin"] = ", ".join(
            sorted(found["access-control-allow-origin"].split(", "))
        )
    if "access-control-allow-methods" in found:
        found["access-control-allow-methods"] = ", ".join(
            sorted(part.strip() for part in found["access-control-allow-methods"].split(","))
        )
    return found


def compare(policy: CorsPolicy, send: Sender, simple: str) -> tuple[int, list[str]]:
    compared, mismatches = 0, []
    for request in battery(policy):
        # a simple request stands for one the view serves: its own method
        sent = (
            request
            if request.method == "OPTIONS"
            else Request(simple, request.origin, request.headers, request.path)
        )
        try:
            predicted: Response = respond(policy, sent)
        except (UnresolvedValueError, TypeError, ValueError):
            continue
        status, lines = send(sent)
        where = f"{policy.location.path}:{policy.location.line} {sent.method} Origin={request.origin} {dict(request.headers)}"
        if predicted.status is None:
            # the framework's refusal of an OPTIONS no code answers: 405, Pyramid's 404,
            # http.server's 501 (no `do_OPTIONS`)
            refusal = {"pyramid_headers": 404, "http_server_headers": 501}.get(policy.framework, 405)
            if request.method == "OPTIONS" and status != refusal:
                mismatches.append(f"{where}: status {status}, model: not answered (405)")
                continue
        elif predicted.status == 500 and status == CLOSED:
            pass
        elif status != predicted.status:
            mismatches.append(f"{where}: status {status} != {predicted.status}")
            continue
        if predicted.status in {400, 500}:
            compared += 1
            continue  # an error page: the framework's own headers, whatever the code meant
        real_headers = normalised(cors_headers(lines))
        model_headers = normalised(cors_headers(list(predicted.headers)))
        if real_headers != model_headers:
            mismatches.append(f"{where}: {real_headers} != {model_headers}")
        compared += 1
    return compared, mismatches


def best(policy: CorsPolicy, senders: list[tuple[Sender, str]]) -> tuple[int, list[str]]:
    """The comparison against the view that behaves as the model says: a decorator's
    layer is modelled for the worst of the views it wraps (one that does not route OPTIONS)."""
    results = [compare(policy, send, simple) for send, simple in senders]
    assert results, "no view of the real app runs this code"
    return min(results, key=lambda result: (len(result[1]), -result[0]))


def fixture_policies() -> list[tuple[str, Path, CorsPolicy]]:
    found = []
    for project in sorted(p for p in PROJECTS.iterdir() if p.is_dir()):
        cwd = Path.cwd()
        os.chdir(project)
        try:
            policies = run_lint(Path(".")).policies
        finally:
            os.chdir(cwd)
        for policy in policies:
            # a value corslint could not read, or another CORS layer beside this one (the
            # real app then answers with both): nothing to compare header by header
            unread = any(not inner.known for value in policy.options.values() for inner in value.walk())
            if (
                policy.framework in SENDERS
                and not unread
                and policy.options["options_status"].raw != "unknown"
            ):
                found.append(
                    (f"{project.name}:{policy.location.path}:{policy.location.line}", project, policy)
                )
    return found


FIXTURE_POLICIES = fixture_policies()


@pytest.mark.parametrize(
    ("name", "project", "policy"), FIXTURE_POLICIES, ids=[n for n, _, _ in FIXTURE_POLICIES]
)
def test_fixture_policy_matches_the_real_framework(name: str, project: Path, policy: CorsPolicy) -> None:
    with importable(project), project_settings(project):
        try:
            senders = SENDERS[policy.framework](project, policy)
        except ModuleNotFoundError as missing:  # a library the fixture uses, not installed here
            pytest.skip(f"{missing.name} is not installed")
        compared, mismatches = best(policy, senders)
    assert not mismatches, "\n".join(mismatches[:15])
    assert compared >= 20, f"only {compared} requests compared"


def test_every_framework_has_fixture_policies() -> None:
    frameworks = {policy.framework for _, _, policy in FIXTURE_POLICIES}
    assert frameworks == set(SENDERS)
    assert len(FIXTURE_POLICIES) >= 25


# -- small apps for what the fixtures leave out ------------------------------------------------
SYNTHETIC: dict[str, tuple[str, str]] = {
    "flask-subscript-origin": (
        "app.py",
        "from flask import Flask, request\n"
        "app = Flask(__name__)\n"
        "@app.after_request\n"
        "def cors(response):\n"
        '    response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]\n'
        '    response.headers["Vary"] = "Origin"\n'
        "    return response\n"
        '@app.get("/x")\n'
        "def x():\n"
        '    return "x"\n',
    ),
    "flask-get-without-default": (
        "app.py",
        "from flask import Flask, request\n"
        "app = Flask(__name__)\n"
        "@app.after_request\n"
        "def cors(response):\n"
        '    response.headers.add("Access-Control-Allow-Origin", request.origin)\n'
        '    response.headers.add("Access-Control-Max-Age", 600)\n'
        "    return response\n"
        '@app.get("/x")\n'
        "def x():\n"
        '    return "x"\n',
    ),
    "flask-regex-fallback-loop": (
        "app.py",
        "import re\n"
        "from flask import Flask, request\n"
        'PATTERN = re.compile(r"https://[a-z]+\\.example\\.com")\n'
        'DEFAULT = "https://www.example.com"\n'
        'PREFLIGHT = {"Access-Control-Allow-Methods": "GET, PUT", "Access-Control-Allow-Headers": "Content-Type"}\n'
        "app = Flask(__name__)\n"
        "@app.after_request\n"
        "def cors(response):\n"
        '    origin = request.headers.get("Origin")\n'
        '    if not PATTERN.match(origin or ""):\n'
        "        origin = DEFAULT\n"
        '    response.headers["Access-Control-Allow-Origin"] = origin\n'
        '    response.headers.setdefault("Vary", "Origin")\n'
        '    if request.method == "OPTIONS":\n'
        "        for name, value in PREFLIGHT.items():\n"
        "            response.headers[name] = value\n"
        "    return response\n"
        '@app.get("/x")\n'
        "def x():\n"
        '    return "x"\n',
    ),
    "flask-suffix-guard": (
        "app.py",
        "from flask import Flask, request\n"
        "app = Flask(__name__)\n"
        "@app.after_request\n"
        "def cors(response):\n"
        '    origin = request.headers.get("Origin", "")\n'
        '    if origin.endswith(".example.com"):\n'
        '        response.headers["Access-Control-Allow-Origin"] = origin\n'
        '        response.headers["Access-Control-Allow-Credentials"] = "true"\n'
        '    response.vary.add("Origin")\n'
        "    return response\n"
        '@app.get("/x")\n'
        "def x():\n"
        '    return "x"\n',
    ),
    "django-meta-subscript": (
        "mw.py",
        "from django.utils.cache import patch_vary_headers\n"
        "class Cors:\n"
        "    def __init__(self, get_response):\n"
        "        self.get_response = get_response\n"
        "    def __call__(self, request):\n"
        "        response = self.get_response(request)\n"
        '        response["Access-Control-Allow-Origin"] = request.META["HTTP_ORIGIN"]\n'
        '        response.setdefault("Access-Control-Allow-Credentials", True)\n'
        '        patch_vary_headers(response, ("Origin",))\n'
        "        return response\n",
    ),
    "django-class-view-options": (
        "views.py",
        "from django.http import HttpResponse, JsonResponse\n"
        "from django.views import View\n"
        "class Items(View):\n"
        "    def get(self, request):\n"
        '        response = JsonResponse({"items": []})\n'
        '        response["Access-Control-Allow-Origin"] = "*"\n'
        "        return response\n"
        "    def options(self, request, *args, **kwargs):\n"
        "        response = HttpResponse(status=204)\n"
        '        response["Access-Control-Allow-Origin"] = "*"\n'
        '        response["Access-Control-Allow-Methods"] = "GET"\n'
        '        response["Access-Control-Allow-Headers"] = "Content-Type"\n'
        "        return response\n",
    ),
    "starlette-get-without-default": (
        "main.py",
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        '@app.middleware("http")\n'
        "async def cors(request, call_next):\n"
        "    response = await call_next(request)\n"
        '    response.headers["Access-Control-Allow-Origin"] = request.headers.get("origin")\n'
        '    response.headers.append("Vary", "Origin")\n'
        "    return response\n"
        '@app.get("/x")\n'
        "async def x():\n"
        "    return {}\n",
    ),
    "starlette-any-pattern-preflight": (
        "main.py",
        "import re\n"
        "from fastapi import FastAPI, Request\n"
        "from starlette.middleware.base import BaseHTTPMiddleware\n"
        "from starlette.responses import PlainTextResponse\n"
        'PATTERNS = [r"https://app\\.example\\.com", r"https://.*\\.example\\.org"]\n'
        "class Cors(BaseHTTPMiddleware):\n"
        "    async def dispatch(self, request: Request, call_next):\n"
        '        origin = request.headers.get("origin", "")\n'
        "        allowed = any(re.fullmatch(p, origin) for p in PATTERNS)\n"
        '        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:\n'
        '            headers = {"Access-Control-Allow-Methods": "GET, POST, PUT", "Access-Control-Allow-Headers": "content-type", "Vary": "Origin"}\n'
        "            if allowed:\n"
        '                headers["Access-Control-Allow-Origin"] = origin\n'
        '            return PlainTextResponse("", status_code=204, headers=headers)\n'
        "        response = await call_next(request)\n"
        "        if allowed:\n"
        '            response.headers["Access-Control-Allow-Origin"] = origin\n'
        '        response.headers["Vary"] = "Origin"\n'
        "        return response\n"
        "app = FastAPI()\n"
        "app.add_middleware(Cors)\n"
        '@app.get("/x")\n'
        "async def x():\n"
        "    return {}\n",
    ),
    # `self.headers` is an email Message: a missing header reads None, sent as "None";
    # `send_header` writes any value with `%s`; no `do_OPTIONS`: 501, with these headers
    "http-server-subscript-origin": (
        "server.py",
        "from http.server import BaseHTTPRequestHandler\n"
        "class Api(BaseHTTPRequestHandler):\n"
        "    def end_headers(self):\n"
        '        self.send_header("Access-Control-Allow-Origin", self.headers["Origin"])\n'
        '        self.send_header("Access-Control-Allow-Credentials", True)\n'
        '        self.send_header("Access-Control-Max-Age", 600)\n'
        "        super().end_headers()\n"
        "    def do_GET(self):\n"
        "        self.send_response(200)\n"
        "        self.end_headers()\n",
    ),
    # Vercel-style `class handler(BaseHTTPRequestHandler)` handing itself to module helpers
    "http-server-module-helpers": (
        "api.py",
        "from http.server import BaseHTTPRequestHandler\n"
        "def add_cors(h):\n"
        '    h.send_header("Access-Control-Allow-Origin", h.headers.get("Origin", "*"))\n'
        '    h.send_header("Access-Control-Allow-Credentials", "true")\n'
        "def preflight(h):\n"
        "    h.send_response(204)\n"
        "    add_cors(h)\n"
        '    h.send_header("Access-Control-Allow-Methods", "GET, POST")\n'
        "    h.end_headers()\n"
        "class handler(BaseHTTPRequestHandler):\n"
        "    def do_OPTIONS(self):\n"
        "        preflight(self)\n"
        "    def do_GET(self):\n"
        "        self.send_response(200)\n"
        "        add_cors(self)\n"
        "        self.end_headers()\n",
    ),
    "http-server-options-helper-status": (
        "server.py",
        "from http import HTTPStatus\n"
        "from http.server import BaseHTTPRequestHandler\n"
        'ALLOWED = ["https://app.example.com"]\n'
        "class Api(BaseHTTPRequestHandler):\n"
        "    def _cors(self):\n"
        '        origin = self.headers.get("Origin", "")\n'
        "        if origin in ALLOWED:\n"
        '            self.send_header("Access-Control-Allow-Origin", origin)\n'
        '            self.send_header("Vary", "Origin")\n'
        "    def do_OPTIONS(self):\n"
        "        self.send_response(HTTPStatus.NO_CONTENT)\n"
        "        self._cors()\n"
        '        if self.headers.get("Access-Control-Request-Method"):\n'
        '            self.send_header("Access-Control-Allow-Methods", "GET, PUT")\n'
        "        self.end_headers()\n"
        "    def do_PUT(self):\n"
        "        self.send_error(404)\n"
        "    def do_GET(self):\n"
        "        self.send_response(200)\n"
        "        self._cors()\n"
        "        self.end_headers()\n",
    ),
    "tornado-get-without-default": (
        "handlers.py",
        "from tornado.web import RequestHandler\n"
        "class Base(RequestHandler):\n"
        "    def set_default_headers(self):\n"
        '        self.set_header("Access-Control-Allow-Origin", self.request.headers.get("Origin"))\n'
        '        self.set_header("Access-Control-Max-Age", 7200)\n'
        '        self.add_header("Vary", "Origin")\n'
        "    def options(self):\n"
        '        self.set_header("Access-Control-Allow-Methods", "GET, PUT")\n'
        "        self.set_status(204)\n"
        "class Items(Base):\n"
        "    def get(self):\n"
        '        self.write("x")\n',
    ),
    "aiohttp-subscript-origin-int-max-age": (
        "app.py",
        "from aiohttp import web\n"
        "@web.middleware\n"
        "async def cors(request, handler):\n"
        "    response = await handler(request)\n"
        '    response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]\n'
        '    response.headers["Vary"] = "Origin"\n'
        '    if request.path.startswith("/x"):\n'
        '        response.headers["Access-Control-Max-Age"] = 600\n'
        "    return response\n"
        "async def x(request):\n"
        '    return web.Response(text="x")\n'
        "app = web.Application(middlewares=[cors])\n"
        'app.router.add_get("/x", x)\n',
    ),
    "aiohttp-raised-preflight-answer": (
        "app.py",
        "from aiohttp import web\n"
        'ALLOWED = ["https://app.example.com"]\n'
        "@web.middleware\n"
        "async def cors(request, handler):\n"
        '    origin = request.headers.get("Origin")\n'
        '    if request.method == "OPTIONS":\n'
        "        raise web.HTTPNoContent(headers={\n"
        '            "Access-Control-Allow-Origin": origin if origin in ALLOWED else "null",\n'
        '            "Access-Control-Allow-Methods": "GET, PUT",\n'
        '            "Access-Control-Allow-Headers": "Content-Type",\n'
        "        })\n"
        "    response = await handler(request)\n"
        "    if origin in ALLOWED:\n"
        '        response.headers["Access-Control-Allow-Origin"] = origin\n'
        '    response.headers.add("Vary", "Origin")\n'
        "    return response\n"
        "async def x(request):\n"
        '    return web.Response(text="x")\n'
        "app = web.Application(middlewares=[cors])\n"
        'app.router.add_get("/x", x)\n',
    ),
    "aiohttp-middleware-catching-http-errors": (
        "app.py",
        "from aiohttp import web\n"
        "@web.middleware\n"
        "async def cors(request, handler):\n"
        "    try:\n"
        "        response = await handler(request)\n"
        "    except web.HTTPException as error:\n"
        "        response = error\n"
        '    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
        '    response.headers["Access-Control-Allow-Methods"] = "GET, PUT"\n'
        "    return response\n"
        "async def x(request):\n"
        '    return web.Response(text="x")\n'
        "app = web.Application(middlewares=[cors])\n"
        'app.router.add_get("/x", x)\n',
    ),
    "aiohttp-old-style-factory": (
        "app.py",
        "from aiohttp import web\n"
        "async def cors_factory(app, handler):\n"
        "    async def middleware(request):\n"
        "        response = await handler(request)\n"
        '        response.headers["Access-Control-Allow-Origin"] = "*"\n'
        '        response.headers["Access-Control-Allow-Headers"] = "Content-Type"\n'
        "        return response\n"
        "    return middleware\n"
        "async def x(request):\n"
        '    return web.Response(text="x")\n'
        "app = web.Application(middlewares=[cors_factory])\n"
        'app.router.add_get("/x", x)\n',
    ),
    "asgi-starlette-headers-and-response": (
        "wrap.py",
        "from starlette.datastructures import Headers, MutableHeaders\n"
        "from starlette.responses import PlainTextResponse\n"
        "class Cors:\n"
        "    def __init__(self, app):\n"
        "        self.app = app\n"
        "    async def __call__(self, scope, receive, send):\n"
        '        origin = Headers(scope=scope).get("origin")\n'
        '        if scope["method"] == "OPTIONS":\n'
        '            response = PlainTextResponse("", status_code=204, headers={\n'
        '                "Access-Control-Allow-Origin": origin or "*",\n'
        '                "Access-Control-Allow-Methods": "GET, POST",\n'
        "            })\n"
        "            await response(scope, receive, send)\n"
        "            return\n"
        "        async def send_wrapper(message):\n"
        '            if message["type"] == "http.response.start":\n'
        "                headers = MutableHeaders(scope=message)\n"
        '                headers["Access-Control-Allow-Origin"] = origin or "*"\n'
        '                headers.append("Vary", "Origin")\n'
        "            await send(message)\n"
        "        await self.app(scope, receive, send_wrapper)\n",
    ),
    "asgi-dict-of-scope-headers": (
        "wrap.py",
        'TRUSTED = (b"https://a.example.com", b"https://b.example.com")\n'
        "def cors(app):\n"
        "    async def wrapped(scope, receive, send):\n"
        '        origin = dict(scope["headers"]).get(b"origin", b"")\n'
        "        async def send_with_cors(message):\n"
        '            if message["type"] == "http.response.start" and origin in TRUSTED:\n'
        '                message.setdefault("headers", []).append((b"access-control-allow-origin", origin))\n'
        '                message["headers"].append((b"access-control-allow-credentials", b"true"))\n'
        '                message["headers"].append((b"vary", b"origin"))\n'
        "            await send(message)\n"
        "        await app(scope, receive, send_with_cors)\n"
        "    return wrapped\n",
    ),
    "bottle-values-python-converts": (
        "app.py",
        "from bottle import Bottle, request, response\n"
        "app = Bottle()\n"
        "ALLOWED = ['https://a.example.com']\n"
        "@app.hook('after_request')\n"
        "def cors():\n"
        "    origin = request.headers.get('Origin')\n"
        "    if origin in ALLOWED:\n"
        "        response.headers['Access-Control-Allow-Origin'] = origin\n"
        "        response.headers['Access-Control-Allow-Credentials'] = True\n"
        "    response.add_header('Vary', 'Origin')\n"
        "    response.headers['Access-Control-Max-Age'] = 600\n"
        "    response.headers['Access-Control-Expose-Headers'] = None\n"
        "@app.get('/x')\n"
        "def x():\n"
        "    return 'x'\n",
    ),
    "bottle-before-request-answer": (
        "app.py",
        "from bottle import Bottle, HTTPResponse, request, response\n"
        "app = Bottle()\n"
        "CORS = {'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, PUT'}\n"
        "@app.hook('before_request')\n"
        "def preflight():\n"
        "    if request.method == 'OPTIONS':\n"
        "        raise HTTPResponse(status=204, headers=CORS)\n"
        "@app.hook('after_request')\n"
        "def cors():\n"
        "    response.headers['Access-Control-Allow-Origin'] = request.headers['Origin']\n"
        "@app.get('/x')\n"
        "def x():\n"
        "    return 'x'\n",
    ),
    "falcon-complete-and-missing-origin": (
        "app.py",
        "import falcon\n"
        "class Cors:\n"
        "    def process_request(self, req, resp):\n"
        "        origin = req.headers['ORIGIN']\n"
        "        resp.set_headers({'Access-Control-Allow-Origin': origin, 'Vary': 'Origin'})\n"
        "        if req.method == 'OPTIONS':\n"
        "            resp.set_header('Access-Control-Allow-Methods', 'GET, PUT')\n"
        "            resp.set_header('Access-Control-Max-Age', 600)\n"
        "            resp.status = falcon.HTTP_204\n"
        "            resp.complete = True\n"
        "class Things:\n"
        "    def on_get(self, req, resp):\n"
        "        resp.media = []\n"
        "app = falcon.App(middleware=[Cors()])\n"
        "app.add_route('/things', Things())\n",
    ),
    "pyramid-new-response-allowlist": (
        "app.py",
        "from pyramid.config import Configurator\n"
        "from pyramid.events import NewResponse, subscriber\n"
        "from pyramid.response import Response\n"
        "from pyramid.view import view_config\n"
        "PARTNERS = ('https://a.example.com', 'https://b.example.com')\n"
        "@subscriber(NewResponse)\n"
        "def cors(event):\n"
        "    origin = event.request.headers['Origin']\n"
        "    if origin in PARTNERS:\n"
        "        event.response.headers.update({\n"
        "            'Access-Control-Allow-Origin': origin,\n"
        "            'Access-Control-Allow-Credentials': 'true',\n"
        "        })\n"
        "    event.response.headerlist.append(('Vary', 'Origin'))\n"
        "@view_config(route_name='x', request_method='GET')\n"
        "def x(request):\n"
        "    return Response('x')\n"
        "def main(global_config=None, **settings):\n"
        "    with Configurator(settings=settings) as config:\n"
        "        config.add_route('x', '/x')\n"
        "        config.scan('app')\n"
        "    return config.make_wsgi_app()\n",
    ),
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_small_app_matches_the_real_framework(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filename, source = SYNTHETIC[name]
    (tmp_path / filename).write_text(source, "utf-8")
    monkeypatch.chdir(tmp_path)
    policies = [p for p in run_lint(Path(".")).policies if p.framework in SENDERS]
    assert len(policies) == 1, [p.label for p in policies]
    (policy,) = policies
    with importable(tmp_path):
        compared, mismatches = best(policy, SENDERS[policy.framework](tmp_path, policy))
    assert not mismatches, "\n".join(mismatches[:15])
    assert compared >= 20


# -- what is read, and what is left alone ------------------------------------------------------
def lint_files(files: dict[str, str]) -> tuple[list[CorsPolicy], list[tuple[str, int, str]]]:
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, "utf-8")
    result = run_lint(Path("."))
    policies = [p for p in result.policies if p.framework.endswith("_headers")]
    found = sorted((f.location.path, f.location.line, f.rule_id) for f in result.findings)
    return policies, found


def test_frameworks_not_modelled_are_left_alone(in_tmp: Path) -> None:
    # (Sanic's response middleware and Quart's hooks are modelled: fixtures python_headers/
    # sanic_*, quart_*; Litestar's own `after_request` is not a Flask hook)
    policies, found = lint_files(
        {
            "litestar_app.py": "from litestar import Litestar\n"
            "async def cors(response):\n"
            '    response.headers["Access-Control-Allow-Origin"] = "*"\n'
            "    return response\n"
            "app = Litestar([], after_request=cors)\n",
        }
    )
    assert policies == [] and found == []


def test_a_helper_whose_callers_are_unknown_is_judged_on_simple_requests(in_tmp: Path) -> None:
    policies, found = lint_files(
        {
            "requirements.txt": "flask\n",
            "cors.py": "from flask import request\n"
            "def add_cors(response):\n"
            '    response.headers["Access-Control-Allow-Origin"] = "*"\n'
            "    return response\n",
        }
    )
    (policy,) = policies
    assert policy.options["options_status"].raw == "unknown"
    assert found == [("cors.py", 3, "CORS105")]  # nothing about preflights it may not answer


def test_registered_through_flask_hook_lists_in_another_module(in_tmp: Path) -> None:
    policies, _ = lint_files(
        {
            "requirements.txt": "flask\n",
            "shop/__init__.py": "from flask import Flask\n"
            "from shop.hooks import headers\n"
            "def create_app():\n"
            "    app = Flask(__name__)\n"
            "    app.after_request_funcs.setdefault(None, []).append(headers.cors)\n"
            "    return app\n",
            "shop/hooks/headers.py": "def cors(response):\n"
            '    response.headers["Access-Control-Allow-Origin"] = "*"\n'
            "    return response\n",
        }
    )
    (policy,) = policies
    assert policy.options["options_status"].raw == 200  # Flask's automatic OPTIONS answer, hooked
    assert "after_request hook cors()" in policy.label


def test_an_undecidable_test_is_reported_where_it_is(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "app.py": "from flask import Flask\n"
            "from config import settings\n"
            "app = Flask(__name__)\n"
            "@app.after_request\n"
            "def cors(response):\n"
            "    if settings.OPEN_API:\n"
            '        response.headers["Access-Control-Allow-Origin"] = "*"\n'
            "    return response\n",
        }
    )
    assert found == [("app.py", 6, "CORS305")]


def test_an_unknown_allow_list_leaves_methods_and_max_age_judged(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "app.py": "from flask import Flask, request\n"
            "from config import settings\n"
            "app = Flask(__name__)\n"
            "@app.after_request\n"
            "def cors(response):\n"
            '    origin = request.headers.get("Origin")\n'
            "    if origin in settings.CORS_ORIGINS:\n"
            '        response.headers["Access-Control-Allow-Origin"] = origin\n'
            '        response.headers["Vary"] = "Origin"\n'
            '    if request.path.startswith("/api/"):\n'
            '        response.headers["Access-Control-Max-Age"] = "86400"\n'
            '    response.headers["Access-Control-Allow-Methods"] = "GET"\n'
            '    response.headers["Access-Control-Allow-Headers"] = "Content-Type"\n'
            "    return response\n"
            '@app.put("/api/items/<int:item>")\n'
            "def put(item):\n"
            '    return ""\n',
        }
    )
    assert found == [("app.py", 7, "CORS305"), ("app.py", 11, "CORS207"), ("app.py", 12, "CORS202")]


def test_flask_cors_under_a_later_hook_that_always_writes_allow_origin_never_decides(in_tmp: Path) -> None:
    # Flask runs the last-registered after_request hook first, and Flask-CORS leaves a response
    # that already carries Allow-Origin alone (measured: flask-cors 6.0.5, Flask 3.1.3)
    _, found = lint_files(
        {
            "app.py": "from flask import Flask\n"
            "from flask_cors import CORS\n"
            "app = Flask(__name__)\n"
            'CORS(app, origins=["https://app.example.com"])\n'
            "@app.after_request\n"
            "def more_cors(response):\n"
            '    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
            "    return response\n",
        }
    )
    assert ("app.py", 4, "CORS303") in found
    assert not any(rule == "CORS302" for _, _, rule in found)  # one layer ever answers


def test_wrong_header_name_leaves_preflights_without_allow_methods(in_tmp: Path) -> None:
    policies, found = lint_files(
        {
            "handlers.py": "from tornado.web import RequestHandler\n"
            "class Base(RequestHandler):\n"
            "    def set_default_headers(self):\n"
            '        self.set_header("Access-Control-Allow-Origin", "https://app.example.com")\n'
            '        self.set_header("Access-Control-Request-Method", "GET, PUT")\n'
            '        self.set_header("Access-Control-Allow-Headers", "Content-Type")\n'
            "    def options(self):\n"
            "        self.set_status(204)\n",
        }
    )
    (policy,) = policies
    preflight = respond(
        policy, Request.make("OPTIONS", "https://app.example.com", {"access-control-request-method": "PUT"})
    )
    assert preflight.status == 204 and preflight.get("access-control-allow-methods") is None
    assert found == [("handlers.py", 5, "CORS206")]  # on the mis-named header


def test_starlette_cors_middleware_beside_hand_written_headers_is_a_second_layer(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "main.py": "from fastapi import FastAPI\n"
            "from fastapi.middleware.cors import CORSMiddleware\n"
            "app = FastAPI()\n"
            'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])\n'
            '@app.middleware("http")\n'
            "async def more_cors(request, call_next):\n"
            "    response = await call_next(request)\n"
            '    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
            "    return response\n",
        }
    )
    assert ("main.py", 8, "CORS302") in found
    assert not any(rule == "CORS206" for _, _, rule in found)


def test_a_django_middleware_no_settings_list_never_runs(in_tmp: Path) -> None:
    policies, _ = lint_files(
        {
            "site/settings.py": 'MIDDLEWARE = ["site.middleware.Current"]\n',
            "site/middleware.py": "class Current:\n"
            "    def __init__(self, get_response):\n"
            "        self.get_response = get_response\n"
            "    def __call__(self, request):\n"
            "        response = self.get_response(request)\n"
            '        response["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
            "        return response\n"
            "class Legacy:\n"
            "    def process_response(self, request, response):\n"
            '        response["Access-Control-Allow-Origin"] = "*"\n'
            "        return response\n",
        }
    )
    assert [p.label for p in policies] == ["hand-written CORS headers (middleware Current)"]


def test_aiohttp_routes_that_answer_options_leave_preflights_unknown(in_tmp: Path) -> None:
    policies, found = lint_files(
        {
            "app.py": "from aiohttp import web\n"
            "@web.middleware\n"
            "async def cors(request, handler):\n"
            "    response = await handler(request)\n"
            '    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
            "    return response\n"
            "async def preflight(request):\n"
            "    return web.Response(status=204)\n"
            "app = web.Application(middlewares=[cors])\n"
            'app.router.add_route("OPTIONS", "/{tail:.*}", preflight)\n',
        }
    )
    (policy,) = policies
    assert policy.framework == "aiohttp_headers"
    assert policy.options["options_status"].raw == "unknown"
    assert found == []  # no CORS206: a route answers OPTIONS, with what is not known


def test_an_asgi_wrapper_leaves_unanswered_preflights_to_the_wrapped_app(in_tmp: Path) -> None:
    policies, found = lint_files(
        {
            "wrap.py": "def cors(app):\n"
            "    async def wrapped(scope, receive, send):\n"
            "        async def send_with_cors(message):\n"
            '            if message["type"] == "http.response.start":\n'
            '                message["headers"] = message.get("headers", []) + [(b"access-control-allow-origin", b"*")]\n'
            "            await send(message)\n"
            "        await app(scope, receive, send_with_cors)\n"
            "    return wrapped\n",
        }
    )
    (policy,) = policies
    assert policy.label == "hand-written CORS headers (ASGI app cors())"
    with pytest.raises(UnresolvedValueError):
        respond(
            policy, Request.make("OPTIONS", "https://a.example", {"access-control-request-method": "PUT"})
        )
    assert found == [("wrap.py", 5, "CORS105")]


def test_django_settings_read_by_a_hand_written_middleware(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "shop/settings.py": "INSTALLED_APPS = []\n"
            'MIDDLEWARE = ["shop.cors.Cors"]\n'
            'SHOP_ORIGINS = ["https://shop.example.com", "null"]\n',
            "shop/cors.py": "from django.conf import settings\n"
            "class Cors:\n"
            "    def __init__(self, get_response):\n"
            "        self.get_response = get_response\n"
            "    def __call__(self, request):\n"
            "        response = self.get_response(request)\n"
            '        origin = request.headers.get("Origin")\n'
            "        if origin in settings.SHOP_ORIGINS:\n"
            '            response["Access-Control-Allow-Origin"] = origin\n'
            '        response["Vary"] = "Origin"\n'
            "        return response\n",
        }
    )
    # `null` from the settings module; preflights get no Allow-Methods
    assert found == [("shop/cors.py", 9, "CORS102"), ("shop/cors.py", 9, "CORS206")]


def test_a_falcon_middleware_module_needs_no_import(in_tmp: Path) -> None:
    policies, found = lint_files(
        {
            "middlewares.py": "class CORSMiddleware:\n"
            "    def process_response(self, req, resp, resource, req_succeeded):\n"
            '        resp.set_header("Access-Control-Allow-Origin", "*")\n',
        }
    )
    assert [p.framework for p in policies] == ["falcon_headers"]  # not Django's process_response
    assert found == [("middlewares.py", 3, "CORS105"), ("middlewares.py", 3, "CORS206")]


def test_a_cors_switch_is_judged_on_and_a_debug_switch_stays_undecided(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "app.py": "from flask import Flask, request\n"
            "from config import settings\n"
            "app = Flask(__name__)\n"
            "@app.after_request\n"
            "def cors(response):\n"
            "    if settings.CORS_ENABLED and 'Origin' in request.headers:\n"
            '        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]\n'
            "    if settings.DEBUG:\n"
            '        response.headers["Access-Control-Max-Age"] = "5"\n'
            "    return response\n",
        }
    )
    assert ("app.py", 8, "CORS305") in found  # DEBUG: not a CORS switch
    # a test on the request's Origin is never taken for a switch
    _, guarded = lint_files(
        {
            "app.py": "from flask import Flask, request\n"
            "from config import is_cors_origin\n"
            "app = Flask(__name__)\n"
            "@app.after_request\n"
            "def cors(response):\n"
            '    origin = request.headers.get("Origin")\n'
            "    if is_cors_origin(origin):\n"
            '        response.headers["Access-Control-Allow-Origin"] = origin\n'
            '        response.headers["Vary"] = "Origin"\n'
            "    return response\n",
        }
    )
    # read as an allow-list it cannot see (CORS305): the origins it admits still get
    # Flask's automatic OPTIONS answer without Allow-Methods (CORS206)
    assert guarded == [("app.py", 7, "CORS305"), ("app.py", 8, "CORS206")]


def test_a_cors_switch_on_reflection_without_vary(in_tmp: Path) -> None:
    _, found = lint_files(
        {
            "app.py": "from flask import Flask, request\n"
            "from config import settings\n"
            "app = Flask(__name__)\n"
            "@app.after_request\n"
            "def cors(response):\n"
            "    if settings.CORS_ENABLED and 'Origin' in request.headers:\n"
            '        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]\n'
            "    return response\n",
        }
    )
    assert ("app.py", 7, "CORS107") in found


def test_relative_imports_name_no_framework(in_tmp: Path) -> None:
    """`from . import tornado` is the project's own module: the hook stays Flask's."""
    policies, _ = lint_files(
        {
            "pkg/__init__.py": "",
            "pkg/tornado.py": "",
            "pkg/util.py": "import flask\n"
            "from . import tornado\n"
            "def cors_headers(response):\n"
            '    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"\n'
            "    return response\n",
            "pkg/api.py": "from flask import Blueprint\n"
            "from pkg.util import cors_headers\n"
            'api = Blueprint("api", __name__)\n'
            "api.after_request(cors_headers)\n",
        }
    )
    assert [p.framework for p in policies] == ["flask_headers"]
