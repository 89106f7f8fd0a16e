"""Which function a vercel.json header rule's responses come from, when vercel.json says it:
a legacy route's own `dest` naming a source file (`{"src": "/(.*)", "dest": "src/main.ts",
"headers": {...}}`, iamchapita/Codeverse-Backend vercel.json:19), or, for a catch-all rule,
the one file `builds` hands to `@vercel/node`. The rule's policy gets evidence
``platform-function`` naming that file (relative as the linted paths are), for CORS302's
reading of the two layers (rules/platform_layers.py). Anything else (several builds, a
rewrite to a folder, a `dest` that is no file of the project) names nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

from corslint.model import CorsPolicy, Evidence, Value

_CATCH_ALL = frozenset({"/(.*)", "/:path*", "/(.*)?"})
_NODE_BUILDERS = frozenset({"@vercel/node", "@now/node"})


def _file(config: str, dest: object) -> str | None:
    if not isinstance(dest, str) or "$" in dest or "?" in dest or "://" in dest:
        return None
    candidate = PurePosixPath(config).parent / dest.lstrip("/")
    return str(candidate) if Path(candidate).is_file() else None


def _route_functions(config: str, routes: Value | None) -> dict[tuple[int, int], str]:
    """Lines (first, last) of a legacy route with `headers` -> the file its `dest` names."""
    found: dict[tuple[int, int], str] = {}
    if routes is None or not (routes.known and isinstance(routes.raw, tuple)):
        return found
    for route in routes.raw:
        if not (route.known and isinstance(route.raw, dict)) or "headers" not in route.raw:
            continue
        dest = route.raw.get("dest")
        target = _file(config, dest.raw) if dest is not None else None
        if target is not None:
            found[(route.location.line, route.location.end_line)] = target
    return found


def _single_build(config: str, builds: Value | None) -> str | None:
    if builds is None or not (builds.known and isinstance(builds.raw, tuple)) or len(builds.raw) != 1:
        return None
    build = builds.raw[0]
    if not (build.known and isinstance(build.raw, dict)):
        return None
    use, src = build.raw.get("use"), build.raw.get("src")
    if use is None or use.raw not in _NODE_BUILDERS or src is None:
        return None
    return _file(config, src.raw)


def with_functions(config: str, data: dict[str, Value], policies: list[CorsPolicy]) -> list[CorsPolicy]:
    """`policies` (vercel.json's header rules), each whose function vercel.json names carrying
    ``platform-function`` evidence."""
    routes = _route_functions(config, data.get("routes"))
    single = _single_build(config, data.get("builds"))
    marked = []
    for policy in policies:
        source = policy.label.rsplit(" for ", 1)[-1]
        line = policy.location.line
        target = next((file for (first, last), file in routes.items() if first <= line <= last), None)
        if target is None and source in _CATCH_ALL:
            target = single
        if target is not None:
            evidence = Evidence("platform-function", target, policy.location)
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, evidence))
        marked.append(policy)
    return marked
