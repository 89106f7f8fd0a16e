"""Netlify's custom headers on URLs a Netlify Function answers. Netlify's docs (Custom
headers, "Limitations", docs.netlify.com/manage/routing/headers): custom headers "apply only
to files Netlify serves from our own backing store"; for "a URL handled by a function or edge
function ... custom headers won't be applied to that content. In those cases ... the
function should return any required headers instead."

A common recipe writes CORS there anyway (`[[headers]] for = "/.netlify/functions/*"` with
`Access-Control-Allow-Origin = "*"`, or `for = "/api/*"` beside a `[[redirects]]` rewriting
`/api/*` to `/.netlify/functions/:splat` with status 200): those headers are never sent, so
judging them as the policy the browser meets was wrong. The rule's policy is kept as a
configuration that sends nothing (`not-applied`, CORS303 says why), as for a Next.js static
export (`config_headers._never_sent`)."""

from __future__ import annotations

import dataclasses

from corslint.model import CorsPolicy, Evidence, Value

_FUNCTIONS = "/.netlify/functions/"


def _rewritten_to_functions(redirects: Value | None) -> set[str]:
    """The `from` patterns a status-200 `[[redirects]]` rule hands to a function."""
    found: set[str] = set()
    if redirects is None or not (redirects.known and isinstance(redirects.raw, tuple)):
        return found
    for rule in redirects.raw:
        if not (rule.known and isinstance(rule.raw, dict)):
            continue
        source, target, status = rule.raw.get("from"), rule.raw.get("to"), rule.raw.get("status")
        if source is None or target is None or status is None or status.raw != 200:
            continue
        if isinstance(source.raw, str) and isinstance(target.raw, str) and target.raw.startswith(_FUNCTIONS):
            found.add(source.raw.strip())
    return found


def unsent_on_functions(data: dict[str, Value], policies: list[CorsPolicy]) -> list[CorsPolicy]:
    """`policies` (netlify.toml's header rules), those on function URLs sending nothing."""
    rewritten = _rewritten_to_functions(data.get("redirects"))
    kept = []
    for policy in policies:
        source = policy.label.rsplit(" for ", 1)[-1]
        if source.startswith(_FUNCTIONS) or source in rewritten:
            how = (
                "" if source.startswith(_FUNCTIONS) else f" (`[[redirects]]` hands `{source}` to a function)"
            )
            evidence = Evidence(
                "not-applied",
                f"Netlify applies no custom headers to a URL a function answers{how}: these CORS "
                "headers are never sent; the function must return them itself",
                policy.location,
                whole_layer=True,
            )
            policy = dataclasses.replace(policy, options={}, evidence=(*policy.evidence, evidence))
        kept.append(policy)
    return kept
