"""The clause a finding ends with when it holds only under a condition the deployment
decides: the environment defaults its values were built from ("when ORIGINS is unset")
and the switch a layer waits for ("when CORS_ENABLED is set": an `enabled-when` evidence
whose detail is that phrase, see `extractors/python/enabling_switches.py`)."""

from __future__ import annotations

from collections.abc import Sequence

from corslint.model import CorsPolicy, unset_clause


def condition_clause(policy: CorsPolicy, env_vars: Sequence[str]) -> str:
    """ " (when CORS_ENABLED is set and ORIGINS is unset)", or "" when nothing is assumed."""
    clause = unset_clause(list(dict.fromkeys(env_vars)))
    # a finding that rests on the switch's own default (`if settings.ORIGINS:` around
    # `allow_origins=settings.ORIGINS`) says "unset", never "set and unset"
    switches = list(
        dict.fromkeys(
            e.detail
            for e in policy.evidence
            if e.kind == "enabled-when" and e.detail.split(" ", 1)[0] not in env_vars
        )
    )
    if switches:
        enabled = "when " + " and ".join(switches)
        clause = f"{enabled} and {clause.removeprefix('when ')}" if clause else enabled
    return f" ({clause})" if clause else ""
