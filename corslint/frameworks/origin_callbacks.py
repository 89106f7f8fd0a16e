"""What an origin function answers, as the `cors` package and the packages modelled on it
(@fastify/cors, fastify-cors 3) call it: `callback(null, true)`, `callback(null, false)` or
`callback(err)`. The function is known only as far as the extractor classified it (a
`FunctionValue`); each model then says what its package sends for each answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from corslint.model import FunctionValue, OriginFunction, UnresolvedValueError, Value

Answer = Literal["allow", "refuse", "error"]


def callback_answer(
    origin: FunctionValue,
    value: Value | None,
    request_origin: str | None,
    matches: Callable[[str, tuple[Any, ...]], bool],
) -> Answer:
    """`allow` (called back with true), `refuse` (with false: no CORS headers) or `error`
    (with an error); `matches` is the package's own test of an origin against the
    function's allow-list. An unclassified function (`value`, the option) stays unknown."""
    if origin.kind == "reflect-all":
        return "allow"
    if origin.kind == "deny-all":
        return "refuse"
    if origin.kind != "allow-list":
        assert value is not None
        raise UnresolvedValueError(value)
    no_origin = origin.no_origin if isinstance(origin, OriginFunction) else "allow"
    on_reject = origin.on_reject if isinstance(origin, OriginFunction) else "false"
    if request_origin is None:
        allowed = no_origin == "allow"
    else:
        allowed = matches(request_origin, tuple(item.plain() for item in origin.allowed))
    if allowed:
        return "allow"
    return "error" if on_reject == "error" else "refuse"
