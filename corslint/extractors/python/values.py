"""Operations on resolved values: conversions, string methods, decoded JSON, and where
a value was defined and how certain it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corslint.extractors.list_items import ListItems as ListItems  # defined apart: see there
from corslint.model import Location, Provenance, UnsetVariable, Value


def from_json(decoded: Any, location: Location, text: Value) -> Value:
    """A decoded JSON document as a Value: arrays become tuples, objects dicts of Values."""
    if isinstance(decoded, list):
        raw: Any = tuple(from_json(item, location, text) for item in decoded)
    elif isinstance(decoded, dict):
        raw = {key: from_json(item, location, text) for key, item in decoded.items()}
    else:
        raw = decoded
    return Value(raw, location, text.provenance, text.env_var, related=text.related)


def is_number(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def string_method(receiver: Value, method: str, args: list[Value], location: Location) -> Value | None:
    if not all(arg.known for arg in args):
        return None
    raw = receiver.raw
    plain_args = [arg.raw for arg in args]
    provenance = _merge(receiver.provenance)
    if isinstance(raw, str):
        if (method == "split" and all(isinstance(a, str) or a is None for a in plain_args)) or (
            method == "splitlines" and not plain_args  # multi-line ini values
        ):
            parts = raw.split(*plain_args) if method == "split" else raw.splitlines()
            return Value(
                ListItems(Value(part, location, provenance, receiver.env_var) for part in parts),
                location,
                provenance,
                receiver.env_var,
                related=receiver.related,  # a default defined elsewhere is still named
            )
        if method == "format" and all(
            isinstance(a, (str, int)) and not isinstance(a, bool) for a in plain_args
        ):
            try:
                return Value(raw.format(*plain_args), location, provenance, receiver.env_var)
            except (IndexError, KeyError, ValueError):
                return None
        if method == "join" and len(args) == 1:
            return _joined(receiver, args[0], location)
        if method in {"partition", "rpartition"} and len(plain_args) == 1 and isinstance(plain_args[0], str):
            parts = getattr(raw, method)(plain_args[0])
            return Value(
                tuple(Value(part, location, provenance, receiver.env_var) for part in parts), location
            )
        if method in {"strip", "rstrip", "lstrip", "lower", "upper"} and all(
            isinstance(a, str) for a in plain_args
        ):
            return Value(getattr(raw, method)(*plain_args), location, provenance, receiver.env_var)
        # `v.startswith("[")`: a settings validator telling a JSON list from a comma list
        if method in {"startswith", "endswith"} and len(plain_args) == 1 and isinstance(plain_args[0], str):
            return Value(getattr(raw, method)(plain_args[0]), location, provenance, receiver.env_var)
        # `ROOT_DOMAIN.replace(".", r"\.")`: a domain escaped for a regex (django settings)
        if (method == "replace" and len(plain_args) == 2 and all(isinstance(a, str) for a in plain_args)) or (
            method in {"removeprefix", "removesuffix"}
            and len(plain_args) == 1
            and isinstance(plain_args[0], str)
        ):
            return Value(getattr(raw, method)(*plain_args), location, provenance, receiver.env_var)
    if isinstance(raw, dict) and method == "get" and plain_args and plain_args[0] in raw:
        return moved(raw[plain_args[0]], location)
    if isinstance(raw, dict) and method == "get" and len(args) == 2:
        return moved(args[1], location)
    if isinstance(raw, dict) and method == "get" and len(plain_args) == 1 and isinstance(plain_args[0], str):
        return Value(None, location, provenance, receiver.env_var)  # a missing key, no default
    return None


def _joined(separator: Value, items: Value, location: Location) -> Value | None:
    """`"|".join(...)` over known strings (kitsune builds CORS_URLS_REGEX this way)."""
    if not isinstance(items.raw, tuple) or not all(
        item.known and isinstance(item.raw, str) for item in items.raw
    ):
        return None
    provenance, env_var = weaker(separator.provenance, items.provenance), separator.env_var or items.env_var
    for item in items.raw:
        provenance, env_var = weaker(provenance, item.provenance), env_var or item.env_var
    text = str(separator.raw).join(item.raw for item in items.raw)
    return Value(text, location, provenance, env_var, related=items.related)


def convert(function: str, inner: Value, location: Location) -> Value | None:
    if not inner.known:
        return None
    raw = inner.raw
    if function in {"str", "bool"} and raw is None:
        return Value("None" if function == "str" else False, location, inner.provenance, inner.env_var)
    if function == "str" and isinstance(raw, (str, int, float)):
        return Value(str(raw), location, inner.provenance, inner.env_var, inner.description, inner.related)
    if function in {"list", "tuple", "set", "frozenset", "sorted"} and isinstance(raw, tuple):
        items = tuple(sorted(raw, key=lambda v: repr(v.raw))) if function == "sorted" else raw
        made = ListItems(items) if function in {"list", "sorted"} else tuple(items)
        return Value(made, location, inner.provenance, inner.env_var, related=inner.related)
    if function == "int" and (
        isinstance(raw, int) or (isinstance(raw, str) and raw.strip().lstrip("-").isdigit())
    ):
        return Value(int(raw), location, inner.provenance, inner.env_var, related=inner.related)
    if function == "bool" and isinstance(raw, (bool, int, str, tuple)):
        return Value(bool(raw), location, inner.provenance, inner.env_var, related=inner.related)
    return None


_STRENGTH = [
    Provenance.LITERAL,
    Provenance.CONSTANT,
    Provenance.CONFIG_FILE,
    Provenance.SETTINGS_DEFAULT,
    Provenance.ENV_DEFAULT,
    Provenance.UNKNOWN,
]


def weaker(a: Provenance, b: Provenance) -> Provenance:
    return a if _STRENGTH.index(a) >= _STRENGTH.index(b) else b


def _merge(provenance: Provenance) -> Provenance:
    return provenance


def moved(inner: Value, location: Location, defined_at: Location | None = None) -> Value:
    """`inner` seen from a use site: located there, remembering where it was defined."""
    provenance = inner.provenance
    if provenance is Provenance.CONFIG_FILE:
        return inner  # a JSON / YAML / TOML value is reported at its own line
    if provenance is Provenance.LITERAL and defined_at is not None:
        provenance = Provenance.CONSTANT
    related = inner.related
    if defined_at is not None and defined_at not in related:
        related = (defined_at, *related)
    return Value(inner.raw, location, provenance, inner.env_var, inner.description, related)


def as_env_default(
    value: Value, env_var: str, location: Location, provenance: Provenance = Provenance.ENV_DEFAULT
) -> Value:
    if not value.known:
        return value
    return Value(
        value.raw, location, provenance, env_var, value.description, (value.location, *value.related)
    )


UNSET = UnsetVariable()


def is_unset_read(value: Value) -> bool:
    return not value.known and isinstance(value.raw, UnsetVariable)


def truth(value: Value) -> Value | None:
    """`bool(value)` as a value (an unset variable reads as None: false), or None when it
    cannot be known."""
    if is_unset_read(value):
        return Value(False, value.location, Provenance.ENV_DEFAULT, value.env_var, related=value.related)
    if not value.known:
        return None
    raw = value.raw
    if raw is None or isinstance(raw, (str, int, float, tuple, dict)):
        return Value(bool(raw), value.location, value.provenance, value.env_var, related=value.related)
    return Value(True, value.location, value.provenance, value.env_var, related=value.related)


def under_condition(value: Value, condition: Value) -> Value:
    """`value`, chosen by a condition that rests on an environment (or settings) default:
    it holds only while that default does, and says so ("when DEBUG is unset")."""
    if not value.known or condition.env_var is None:
        return value
    # a value holds one variable of its own (its entries theirs): the switch that chose it
    # is named first, as the one to look at. A mapping's entries without a variable of
    # their own hold only under it too (`return {"origins": "*"}` in the arm an env
    # default picks, read option by option: `resources={r"/api/*": cors_options(app)}`)
    raw = value.raw
    if isinstance(raw, dict) and type(raw) is dict:
        raw = {
            key: under_condition(entry, condition)
            if isinstance(entry, Value) and entry.known and entry.env_var is None
            else entry
            for key, entry in raw.items()
        }
    return Value(
        raw,
        value.location,
        weaker(value.provenance, condition.provenance),
        condition.env_var,
        value.description,
        value.related,
    )


@dataclass(frozen=True)
class FileRef:
    """A file path as the code builds it (`text`: an open file or its contents); carried
    as the `raw` of an unknown value, so that nothing mistakes it for a CORS value."""

    path: str
    text: bool = False
