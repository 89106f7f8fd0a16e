"""An `Access-Control-Allow-Origin` whose only value is an environment variable with an empty
default: `{ key: "Access-Control-Allow-Origin", value: process.env.ALLOWED_ORIGIN || "" }` in
next.config.js `headers()` (ssoga-bit/youtube-curation, heldout 14). Unset, the header is
empty and admits nobody, so judging the default says nothing; the origin the deployment sets
is what the code is for, and it cannot be known here: the value is unknown (CORS305), as the
same header without the `|| ""` is."""

from __future__ import annotations

import dataclasses

from corslint.model import CorsPolicy, Provenance, Value

_ORIGIN = "access-control-allow-origin"


def empty_default_origins_unknown(policy: CorsPolicy) -> CorsPolicy:
    """`policy` with each such Allow-Origin value made unknown; itself where there is none."""
    options = dict(policy.options)
    changed = False
    for name, step in policy.options.items():
        if not name.lower().startswith(_ORIGIN) or not isinstance(step.raw, dict):
            continue
        written = step.raw.get("value")
        if not (
            isinstance(written, Value)
            and written.provenance is Provenance.ENV_DEFAULT
            and written.env_var
            and written.raw == ""
        ):
            continue
        unknown = Value(
            None,
            written.location,
            Provenance.UNKNOWN,
            written.env_var,
            f"{written.env_var}, empty when unset",
        )
        options[name] = dataclasses.replace(step, raw={**step.raw, "value": unknown})
        changed = True
    return dataclasses.replace(policy, options=options) if changed else policy
