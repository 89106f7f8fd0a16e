"""A Next.js middleware rewrite whose target passes through the middleware again
(docs/semantics/nextjs.md: the second pass's headers replace the rewrite's) is still
decided when the second pass can only write the same headers: the rewrite is the one
answer the middleware gives to non-OPTIONS requests, on every path, with headers written
unconditionally, and next.config adds no CORS headers. derekvmcintire/acs-next-api
`middleware.ts` rewrites `/api/latest/...` to a versioned path this way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import exported_value
from corslint.extractors.js.syntax import Node
from corslint.frameworks.config_paths import source_matches
from corslint.model import Value


class RewriteSite(Protocol):
    node: Node
    headers: list[tuple[str, Value]]
    method: str
    written_for: str | None


def rerun_sends_the_same(
    module: JsModule,
    site: RewriteSite,
    sites: Sequence[RewriteSite],
    configured: list[tuple[str, Value]] | None,
    path_tested: bool,
) -> bool:
    if configured is None or configured or path_tested or site.written_for is not None:
        return False
    if [other for other in sites if other.method != "OPTIONS"] != [site]:
        return False
    if any(not value.known and "under a condition" in (value.description or "") for _, value in site.headers):
        return False
    returns = [node for node in module.of_kind("return_statement") if node.named_children]
    return len(returns) == len(sites)  # no answer without these headers on another path


def target_reruns(module: JsModule, target: str | None) -> bool:
    """Whether a rewrite's target may pass through the middleware again: unknown, or one
    of the middleware's matchers (all paths without one) matches it."""
    if target is None or not target.startswith("/"):
        return True
    config = exported_value(module, "config")
    matcher = config.raw.get("matcher") if config is not None and isinstance(config.raw, dict) else None
    if matcher is None or not matcher.known:
        return True
    items = matcher.raw if isinstance(matcher.raw, tuple) else (matcher,)
    sources = [item.raw for item in items if item.known and isinstance(item.raw, str)]
    if len(sources) != len(items):
        return True
    try:
        return any(source_matches("next", source, target) for source in sources)
    except ValueError:
        return True
