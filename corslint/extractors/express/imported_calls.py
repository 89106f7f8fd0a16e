"""The calls a module makes to a package's named exports: the names it calls them by, from
its imports (`import { cors } from "hono/cors"`, `import * as yoga from "graphql-yoga"`),
and the call sites that use one of those names."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def imported_export_names(module: JsModule, specifier: str, exports: Collection[str]) -> set[str]:
    """The callee spellings of `exports` of `specifier` in `module`: each local name one is
    imported as, and `ns.<export>` for each export under a namespace import `ns`."""
    names = set()
    for local, (imported, exported_name) in module.imports.items():
        if imported != specifier:
            continue
        if exported_name in exports:
            names.add(local)
        elif exported_name == "*":
            names.update(f"{local}.{export}" for export in exports)
    return names


def calls_named(module: JsModule, names: Collection[str]) -> Iterator[tuple[Node, str, list[Node]]]:
    """Each call whose callee, as written with spaces left out, is one of `names`: the call,
    that spelling, and its arguments without comments."""
    for node in module.of_kind("call_expression"):
        function = unwrap(node.child_by_field_name("function"))
        if function is None:
            continue
        callee = module.text(function).replace(" ", "")
        if callee in names:
            yield node, callee, list(call_arguments(node))
