"""The parameter defaults of an application factory that no project code calls.

    def create_app(cors_origins: list[str] | None = None) -> FastAPI:
        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=cors_origins or ["*"], ...)
        return app

is served by `uvicorn --factory pkg:create_app`, `flask run` (which finds `create_app` /
`make_app` itself), gunicorn's `"pkg:create_app()"` or `uvicorn.run("pkg:create_app",
factory=True)`: each calls it with no arguments, so its parameters hold their defaults
(find_string `def create_app(cors_origins`: 7 of 10 hits take a defaulted parameter).
The default is judged and named, as an environment default is ("when create_app()'s
`cors_origins` is unset"): a deployment may call the factory with a value.

Only a module-level function that returns the application it builds (a local bound to a
web framework's application class, or that class's call itself) is read so; a helper that
nothing calls stays unknown, and so do parameters without a default and the factories of a
test suite's modules (no server imports them). aiohttp's
`python -m aiohttp.web pkg:init` passes the command line to the factory: not read.
"""

from __future__ import annotations

import ast
from pathlib import PurePath
from typing import Protocol

from corslint.extractors.python.scope import EMPTY_SCOPE, Scope
from corslint.model import Provenance, Value

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class _Module(Protocol):
    """What is read of the module defining the factory (python.functions.CallResolver)."""

    path: str

    def resolve(self, node: ast.expr, scope: Scope = ...) -> Value: ...

    def qualified_name(self, node: ast.AST) -> str | None: ...


# the packages whose application classes a server builds through a factory
_FRAMEWORKS = frozenset(
    {
        "flask",
        "fastapi",
        "starlette",
        "quart",
        "sanic",
        "falcon",
        "bottle",
        "litestar",
        "apiflask",
        "connexion",
    }
)


def served_default(module: _Module, function: FunctionNode, name: str) -> Value | None:
    """The default of the parameter `name` of the uncalled factory `function`, named as
    what the value depends on; None when `function` is no application factory or the
    parameter has no default (or a default corslint cannot know)."""
    default = _default_node(function, name)
    if default is None or _in_test_suite(module.path) or not _returns_application(module, function):
        return None
    value = module.resolve(default, EMPTY_SCOPE.deeper())
    if not value.known:
        return None
    related = tuple(r for r in value.related if r != value.location)
    return Value(
        value.raw,
        value.location,
        Provenance.ENV_DEFAULT,
        f"{function.name}()'s `{name}`",
        value.description,
        related,
    )


def _in_test_suite(path: str) -> bool:
    """A test module (`test_app.py`, `conftest.py`) or a module in a `tests/` folder: its
    own name and folder only, as a project may sit anywhere (its checkout under `tests/`)."""
    pure = PurePath(path)
    name = pure.name.lower()
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
        or pure.parent.name.lower() in {"tests", "test", "testing"}
    )


def _default_node(function: FunctionNode, name: str) -> ast.expr | None:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    for parameter, default in zip(
        positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
    ):
        if parameter.arg == name:
            return default
    for parameter, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if parameter.arg == name:
            return kw_default
    return None


def _returns_application(module: _Module, function: FunctionNode) -> bool:
    """Whether every `return` of `function` (one at least) hands back an application it
    built: `return app` after `app = Flask(__name__)`, or `return Starlette(...)`."""
    built: set[str] = set()
    returns: list[ast.expr | None] = []
    for node in _own_nodes(function):
        if isinstance(node, ast.Assign) and _is_application(module, node.value):
            built.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif (
            isinstance(node, ast.AnnAssign) and node.value is not None and _is_application(module, node.value)
        ):
            if isinstance(node.target, ast.Name):
                built.add(node.target.id)
        elif isinstance(node, ast.Return):
            returns.append(node.value)
    if not returns:
        return False
    return all(
        value is not None
        and ((isinstance(value, ast.Name) and value.id in built) or _is_application(module, value))
        for value in returns
    )


def _is_application(module: _Module, node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    qualified = module.qualified_name(node.func) or ""
    parts = qualified.split(".")
    return len(parts) > 1 and parts[0] in _FRAMEWORKS and parts[-1][:1].isupper()


def _own_nodes(function: FunctionNode) -> list[ast.AST]:
    """The nodes of `function`'s body, without those of functions and classes inside it."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return found
