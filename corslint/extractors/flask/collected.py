"""What the walk of the linted file records: where each statement sits, the config it
writes, its Flask-CORS calls and views, and answers computed once per file."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeAlias

from corslint.extractors.flask.config_sources import Loaded
from corslint.extractors.python import PythonModule
from corslint.model import Location, Route, Value

Function: TypeAlias = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Site:
    """Where a statement sits: its function, whether a condition guards it, its position."""

    scope: str  # "" for module level, else "def name@line"
    branch: str  # the if/else branches around it: calls in exclusive branches are separate layers
    conditional: bool
    debug: bool
    position: tuple[int, int]
    # the `if` tests around it, each with the outcome that runs it (True: the body)
    tests: tuple[tuple[ast.expr, bool], ...] = ()


@dataclass
class ConfigWrite:
    """`app.config[...] = ...`, `.update(...)`, `.from_object(...)`: the keys it sets.
    `loaded` holds them; `opaque` says why it may set keys nobody can list (a mapping
    corslint cannot read); `env_prefix` marks `from_prefixed_env`, after which every key
    set before is only the default of the variable `<prefix>_<KEY>`."""

    receiver: str
    site: Site
    loaded: Loaded
    location: Location
    opaque: Value | None = None
    env_prefix: str | None = None
    fills_only: bool = False  # `setdefault`: a key set before keeps its value

    @property
    def values(self) -> dict[str, Value]:
        """The CORS_* keys it sets (`CORS_*` itself: any of them, unknown)."""
        found = {
            name: value
            for name in self.loaded.names
            if name.startswith("CORS_") and (value := self.loaded.get(name)) is not None
        }
        if self.opaque is not None:
            found["CORS_*"] = self.opaque
        return found


@dataclass
class Collected:
    """What one module says about Flask-CORS: calls, config writes, views and locals."""

    calls: list[tuple[ast.Call, Site]] = field(default_factory=list)
    config: list[ConfigWrite] = field(default_factory=list)
    views: list[tuple[Function, Site]] = field(default_factory=list)
    # `cross_origin(...)` used other than as a function decorator: (call, site, enclosing class)
    wrappers: list[tuple[ast.Call, Site, str | None]] = field(default_factory=list)
    locals: dict[str, dict[str, list[ast.expr]]] = field(default_factory=dict)
    apps: dict[tuple[str, str], str] = field(default_factory=dict)  # (scope, name) -> flask|blueprint
    blueprints: dict[str, ast.Call] = field(default_factory=dict)  # module-level Blueprint(...) calls
    # each scope's import table: the module's, with a function's own imports over it
    imports: dict[str, dict[str, str]] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)  # scope -> its function
    # calls that hand a name to a function (`load_config(app)`), and blueprint registrations
    handoffs: list[tuple[ast.Call, Site]] = field(default_factory=list)
    registrations: list[tuple[ast.Call, Site]] = field(default_factory=list)
    # answers computed once per file, however many extension calls ask
    reaching: dict[tuple[str, Site, bool, int], list[ConfigWrite]] = field(default_factory=dict)
    importing: list[PythonModule] | None = None
    function_routes: dict[int, list[tuple[Route, str]]] = field(default_factory=dict)
    class_routes: dict[str, list[tuple[Route, str]]] = field(default_factory=dict)
