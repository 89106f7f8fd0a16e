"""The options of a framework's CORS settings object: known names kept, others reported
as `unknown-option` evidence (CORS307), with the option meant when the slip is a common one."""

from __future__ import annotations

from collections.abc import Mapping

from corslint.model import Evidence, Value


def option_evidence(
    raw: Mapping[str, Value], known: frozenset[str], close: Mapping[str, str], library: str
) -> tuple[dict[str, Value], list[Evidence]]:
    options: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for key, item in raw.items():
        if key in known or key == "**":
            options[key] = item
            continue
        meant = close.get(key) or close.get(key.lower())
        hint = f" (did you mean `{meant}`?)" if meant else ""
        evidence.append(
            Evidence(
                "unknown-option",
                f"`{key}` is not an option of {library}{hint}; it is ignored and the default applies",
                item.location,
            )
        )
    return options, evidence
