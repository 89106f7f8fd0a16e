"""`origin` options that are functions returning the origin to send, with the request's
Origin as their first parameter: Hono's ``cors({ origin: (origin, c) => ... })`` and
itty-router 5's ``cors({ origin: (origin) => ... })``. Such a function is judged from its
returns: the parameter returned under a membership test is an allow-list, returned
unconditionally a reflection, a falsy value a refusal."""

from __future__ import annotations

from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.returned_origins import classify_returns, function_of_value
from corslint.extractors.js.module import JsModule
from corslint.model import FunctionValue, Value

# what such a function returns to send no Allow-Origin
REFUSALS = frozenset({"false", "null", "undefined", "''", '""', "``"})


def fallback_origin_function(module: JsModule, value: Value) -> Value:
    """As `origin_returning_function`, for a library that sends whatever string the function
    returns (Hono): a fixed origin returned for the others is an entry of its own."""
    return origin_returning_function(module, value, constant_origins=True)


def origin_returning_function(module: JsModule, value: Value, *, constant_origins: bool = False) -> Value:
    """`value` with a function it names classified from its returns; any other value as is."""
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    function = function_of_value(module, value)
    if function is None:
        return value
    origin = set(parameter_names(module, function)[:1])  # none: the function ignores the Origin
    classified = classify_returns(
        module, function, origin, REFUSALS, origin, constant_origins=constant_origins
    )
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )
