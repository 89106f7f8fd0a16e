"""Options as a package reads them by destructuring with defaults
(`const { origin = "*", maxAge = 5 } = options`): Elysia's cors(), micro-cors, GraphQL Yoga."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corslint.frameworks.express import UNDEFINED
from corslint.model import CorsPolicy


def destructured_option(policy: CorsPolicy, name: str, defaults: Mapping[str, Any]) -> Any:
    """The value of option `name`, or its default (`undefined` without one) where it is
    missing or `undefined`: destructuring defaults replace `undefined` only, not `null`."""
    value = policy.option(name)
    if value is None or (value.known and value.raw is UNDEFINED):
        return defaults.get(name, UNDEFINED)
    return value.plain()
