"""A web app object whose `config` a framework's extractor knows: `app` handed to a
project helper that reads `app.config.get("CORS_ORIGINS", "*")` (a Flask factory's
`CORSConfig.get_cors_config(app)`, `CORS(app, origins=allowed_origins(app))`).

The framework's extractor binds the app's name to an `AppObject` while it resolves the
CORS call; the resolver reads `<app>.config` as its `config` value (module.py), and the
config's keys are looked up only when read (`ConfigMapping`): what the config holds
where the call runs, or nothing when no write sets the key (its `.get` default applies).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corslint.model import Value


@dataclass(frozen=True)
class AppObject:
    """An app object, as far as its config goes."""

    config: Value  # a Value whose raw is a ConfigMapping


class ConfigMapping(dict[str, Value]):
    """A config read key by key: `lookup(key)` is what the config holds (None: no write
    sets it). Holds no items of its own: only `in`, `[]` and `.get` read it."""

    def __init__(self, lookup: Callable[[str], Value | None]) -> None:
        super().__init__()
        self._lookup = lookup
        self._found: dict[str, Value | None] = {}

    def _value(self, key: object) -> Value | None:
        if not isinstance(key, str):
            return None
        if key not in self._found:
            self._found[key] = self._lookup(key)
        return self._found[key]

    def __contains__(self, key: object) -> bool:
        return self._value(key) is not None

    def __getitem__(self, key: str) -> Value:
        found = self._value(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        found = self._value(key)
        return default if found is None else found

    def __bool__(self) -> bool:
        return True  # a Flask app's config is never empty (DEBUG, TESTING, ...)

    def __eq__(self, other: object) -> bool:
        return self is other  # (two configs read lazily are not known to hold the same)

    __hash__ = None  # as a dict's
