"""CloudFormation intrinsics in CORS values, resolved where a stack parameter's `Default` decides.

`!Ref Name` and `!Sub "'${Name}'"` (and their long forms `{Ref: Name}`, `{"Fn::Sub": ...}`)
over parameters with a `Default` are that default "when the stack parameter is not given",
as an environment default is judged (RULES.md, CORS305). Anything else (`!GetAtt`, `!If`,
pseudo parameters such as `${AWS::Region}`, resource attributes, a parameter without a
default) stays an unknown value: CORS305 names it.
"""

from __future__ import annotations

import re

from corslint.extractors.serverless_framework.yaml_document import lookup
from corslint.model import Location, Provenance, Value

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class StackParameters:
    """The `Parameters` of one template that have a scalar `Default`."""

    def __init__(self, root: Value) -> None:
        self.defaults: dict[str, Value] = {}
        parameters = lookup(root, "Parameters")
        if parameters is None or not parameters.known or not isinstance(parameters.raw, dict):
            return
        for name, parameter in parameters.raw.items():
            default = lookup(parameter, "Default")
            if default is not None and default.known and isinstance(default.raw, (str, int, float)):
                self.defaults[name] = default

    def resolve(self, value: Value) -> Value:
        """`value` with parameter references replaced by their defaults (recursively in lists)."""
        if value.known and isinstance(value.raw, tuple):
            return Value(tuple(self.resolve(item) for item in value.raw), value.location, value.provenance)
        function = _intrinsic(value)
        if function is None:
            return value
        kind, argument = function
        if not kind:  # `!GetAtt`, `!If`, ...: decided at deploy time
            return value if not value.known else _unknown(value, argument)
        if kind == "Ref":
            default = self.defaults.get(argument)
            if default is None:
                return _unknown(value, f"!Ref {argument}")
            return _defaulted(value, default.raw, [argument], [default.location])
        return self._substituted(value, argument)

    def _substituted(self, value: Value, template: str) -> Value:
        names: list[str] = []
        related: list[Location] = []
        parts: list[str] = []
        at = 0
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            parts.append(template[at : match.start()])
            at = match.end()
            if name.startswith("!"):  # `${!Literal}` is the text `${Literal}`
                parts.append("${" + name[1:] + "}")
                continue
            default = self.defaults.get(name)
            if default is None:
                return _unknown(value, f"!Sub {template}")
            names.append(name)
            related.append(default.location)
            parts.append(str(default.raw))
        parts.append(template[at:])
        if not names:
            return Value("".join(parts), value.location, Provenance.LITERAL)
        return _defaulted(value, "".join(parts), names, related)


def _intrinsic(value: Value) -> tuple[str, str] | None:
    """("Ref", name), ("Sub", template) or ("", text) for another intrinsic; None for a plain value."""
    if not value.known:
        tag, _, argument = (value.description or "").partition(" ")
        if tag == "!Ref":
            return "Ref", argument.strip()
        if tag == "!Sub" and argument != "(a mapping or list)":
            return "Sub", argument
        return ("", value.description or "") if tag.startswith("!") else None
    if isinstance(value.raw, dict) and len(value.raw) == 1:
        ((key, argument),) = value.raw.items()
        if key == "Ref" or key.startswith("Fn::"):
            if key in ("Ref", "Fn::Sub") and argument.known and isinstance(argument.raw, str):
                return key.removeprefix("Fn::"), argument.raw
            return "", f"{key} (CloudFormation)"
    return None


def _unknown(value: Value, description: str) -> Value:
    return Value(None, value.location, Provenance.UNKNOWN, description=description)


def _defaulted(value: Value, raw: object, names: list[str], related: list[Location]) -> Value:
    which = " and ".join(names)
    return Value(
        raw,
        value.location,
        Provenance.ENV_DEFAULT,
        env_var=f"the stack parameter{'s' if len(names) > 1 else ''} {which}",
        related=tuple(related),
    )
