"""CORS helpers of a general framework that corslint does not model: importing the
framework says nothing about CORS, importing one of these helpers does. h3's `appendCors*`
helpers and `useCORS` (its `handleCors` is modelled: frameworks/h3_cors.py); h3 is also what
Nuxt and Nitro servers run on."""

from __future__ import annotations

from corslint.extractors.js.syntax import Node, walk
from corslint.extractors.unmodelled.libraries import UnmodelledLibrary

H3_CORS = UnmodelledLibrary("h3's CORS helpers (`handleCors`, `appendCorsHeaders`)", frozenset({"h3"}))
_HELPERS = {
    "h3": (
        H3_CORS,
        frozenset(
            {
                "appendCorsHeaders",
                "appendCorsPreflightHeaders",
                "isCorsOriginAllowed",
                "useCORS",
            }
        ),
    )
}


def helper_library(specifier: str, statement: Node) -> UnmodelledLibrary | None:
    """The library whose CORS helper the import (`import { handleCors } from 'h3'`, or
    `const { handleCors } = require('h3')` given its declarator) brings in."""
    known = _HELPERS.get(specifier)
    if known is None:
        return None
    library, names = known
    holder = statement
    if statement.type == "call_expression" and statement.parent is not None:
        holder = statement.parent  # the declarator whose pattern names what is taken
    for node in walk(holder):
        if node.type in {"import_specifier", "shorthand_property_identifier_pattern", "pair_pattern"}:
            name = node.child_by_field_name("name") or node.child_by_field_name("key") or node
            if name.text is not None and name.text.decode("utf-8", "replace") in names:
                return library
    return None


def helper_call(root: Node, specifier: str) -> Node | None:
    """The first call of one of the framework's CORS helpers, where its configuration is
    written (`handleCors(event, {...})`): what the finding points at."""
    known = _HELPERS.get(specifier)
    if known is None:
        return None
    names = known[1]
    for node in walk(root):
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        if function is not None and function.text is not None and function.text.decode() in names:
            return node
    return None


_NITRO_HANDLERS = frozenset({"defineEventHandler", "eventHandler", "defineNitroPlugin"})


def auto_imported_call(root: Node) -> Node | None:
    """A call of h3's CORS helpers in a Nuxt / Nitro server file, where `defineEventHandler`
    and the helpers are auto-imported (no import statement names them): the first such
    call, when the file also calls an auto-imported handler factory and defines no
    function of the helper's name itself."""
    names = _HELPERS["h3"][1]
    helper: Node | None = None
    handler = False
    for node in walk(root):
        if node.type in {"import_statement", "function_declaration", "variable_declarator"}:
            name = node.child_by_field_name("name")
            text = node.text.decode("utf-8", "replace") if node.text is not None else ""
            declared = name.text.decode("utf-8", "replace") if name is not None and name.text else ""
            if declared in names or declared in _NITRO_HANDLERS:
                return None  # the project's own function of that name
            if node.type == "import_statement" and any(n in text for n in (*names, *_NITRO_HANDLERS)):
                return None  # imported: `helper_library` reads it
        function = node.child_by_field_name("function") if node.type == "call_expression" else None
        called = function.text.decode("utf-8", "replace") if function is not None and function.text else ""
        if called in names and helper is None:
            helper = node
        handler = handler or called in _NITRO_HANDLERS
    return helper if handler else None
