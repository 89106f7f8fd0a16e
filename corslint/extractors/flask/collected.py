"""What the walk of the linted file records: where each statement sits, the config it
writes, its Flask-CORS calls and views, and answers computed once per file."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeAlias

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


@dataclass
class ConfigWrite:
    """`app.config[...] = ...`, `.update(...)`, `.from_object(...)`: CORS_* keys it sets."""

    receiver: str
    site: Site
    values: dict[str, Value]
    location: Location


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
    # answers computed once per file, however many extension calls ask
    importing: list[PythonModule] | None = None
    function_routes: dict[int, list[tuple[Route, str]]] = field(default_factory=dict)
    class_routes: dict[str, list[tuple[Route, str]]] = field(default_factory=dict)
