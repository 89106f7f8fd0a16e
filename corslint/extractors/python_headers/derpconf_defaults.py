"""A hand-written layer's `config.NAME` read of a derpconf setting the project declares with
`Config.define('NAME', default, description, group)` (holmes-app/holmes-api
holmes/handlers/__init__.py: Access-Control-Allow-Origin from
`self.application.config.HOLMES_WEB_URL`, defined in holmes/config/__init__.py).

derpconf's `Config` answers an attribute its configuration file does not set with the
default `define` declared, so the value is known while the file leaves NAME unset: an
environment-style default, named by the setting ("when HOLMES_WEB_URL is unset"), as an
argparse default is named by its flag (extractors/python/cli_arguments.py). Read only where
the define is derpconf's own (`Config` imported from `derpconf.config`) and the project
declares NAME once."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Provenance, Value

_LIBRARY = "derpconf"


def bind_derpconf_defaults(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Give each phase the defaults of the `config.NAME` reads it makes."""
    reads: dict[str, str] = {}  # dotted read -> setting name
    for unit in units:
        for phase in unit.phases:
            for node in ast.walk(phase.function):
                if isinstance(node, ast.Attribute) and node.attr.isupper():
                    path = dotted(node)
                    if path.split(".")[-2:-1] == ["config"]:
                        reads[path] = node.attr
    if not reads:
        return
    defines = _defines(module, context, set(reads.values()))
    known = {path: defines[name] for path, name in reads.items() if name in defines}
    if not known:
        return
    for unit in units:
        for phase in unit.phases:
            phase.known = {**known, **phase.known}


def _defines(module: PythonModule, context: ProjectContext, names: set[str]) -> dict[str, Value]:
    found: dict[str, list[Value]] = {}
    for other in [module, *modules_mentioning(module, context, _LIBRARY.encode(), b".define(")]:
        for node in ast.walk(other.tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "define"
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in names
                and (other.qualified_name(node.func.value) or "").startswith(f"{_LIBRARY}.")
            ):
                continue
            name = str(node.args[0].value)
            value = other.resolve(node.args[1])
            location = other.location(node)
            found.setdefault(name, []).append(
                Value(
                    value.raw,
                    location,
                    Provenance.ENV_DEFAULT,
                    name,
                    related=(value.location, *value.related),
                )
                if value.known
                else value
            )
    return {name: values[0] for name, values in found.items() if len(values) == 1 and values[0].known}
