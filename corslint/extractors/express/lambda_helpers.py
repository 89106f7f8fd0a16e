"""A module's Lambda result builder that handlers elsewhere call, not a handler itself:
`function reply(statusCode, body, requestOrigin) { return { statusCode, headers:
corsHeaders(requestOrigin), body } }` exported from a layer's `nodejs/shared/http.js`, each
function answering `reply(200, data, event.headers.origin)` (census 6 sample 99, 20ns/movierec
`lambda-layers/aws-sdk-layer/nodejs/shared/response.js`). Read on its own its status and the
Origin it is handed are unknown; it is judged in the handlers that return it, as a Fetch
helper is (`response_objects.importer_policies`)."""

from __future__ import annotations

import re

from corslint.extractors.express.refusal_status import bound_status
from corslint.extractors.express.response_headers import parameter_names
from corslint.extractors.express.returned_responses import ResponseSite
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node

# the first parameter of a Lambda handler (`event`), or of a Node/Fetch one
_HANDLER_FIRST = frozenset({"event", "evt", "e", "req", "request", "ctx", "context", "_event"})


def lambda_result_helper(module: JsModule, function: Node, sites: list[ResponseSite]) -> bool:
    """Whether `function` builds Lambda results for callers in other modules: exported by
    name, its first parameter no event, and its status never known in it."""
    names = parameter_names(module, function)
    if not names or names[0] in _HANDLER_FIRST:
        return False
    if any(isinstance(bound_status(site).raw, int) for site in sites):
        return False  # `ok(payload)` answering `respond(200, payload)`: a handler's own answer
    name = _name(module, function)
    if name is None:
        return False
    exported = re.compile(
        rf"(?:module\.)?exports\s*(?:\.\s*{re.escape(name)}\s*=|=\s*\{{[^}}]*\b{re.escape(name)}\b)"
        rf"|export\s+(?:async\s+)?(?:function|const)\s+{re.escape(name)}\b|export\s*\{{[^}}]*\b{re.escape(name)}\b"
    )
    return exported.search(module.source.decode("utf-8", "replace")) is not None


def _name(module: JsModule, function: Node) -> str | None:
    named = function.child_by_field_name("name") if function.type == "function_declaration" else None
    parent = function.parent
    if named is None and parent is not None and parent.type == "variable_declarator":
        named = parent.child_by_field_name("name")
    return module.text(named) if named is not None and named.type == "identifier" else None
