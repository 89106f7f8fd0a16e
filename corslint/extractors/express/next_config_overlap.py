"""Which next.config `headers()` rule a middleware answer shares its responses with: Next.js
writes the rule's headers and then the middleware's (same name: the middleware's value;
measured, docs/semantics/nextjs.md), so the two are layers of one answer and CORS302
compares them. Seen in nikhil7672/Glamourhall.tech: `headers()` on `/(.*)` and a root
middleware both set Allow-Origin, with different Allow-Methods and a Max-Age only in one."""

from __future__ import annotations

from corslint.frameworks.config_paths import source_matches
from corslint.model import Value

_PATH = "PATH:next:"


def overlapped_rule(config: str | None, configured: list[tuple[str, Value]], path: str) -> str | None:
    """The app key `config_headers` gives the first rule (`{config}::{source}`) whose CORS
    headers `configured` adds on `path` unconditionally; None when there is none."""
    if config is None:
        return None
    for _, step in configured:
        when = step.plain()["when"]
        sources = [atom[len(_PATH) :] for atom in when if atom.startswith(_PATH)]
        if len(sources) == 1 and "?" not in when and source_matches("next", sources[0], path):
            return f"{config}::{sources[0]}"
    return None
