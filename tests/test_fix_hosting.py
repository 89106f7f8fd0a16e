"""Proof (3) for the fixes of headers written in hosting configuration: the platforms' own
code (tests/node/config_headers.mjs, as test_differential_next_hosting.py drives it) reads
the configuration before and after each fix and says which headers a response for the
API path gets. CORS301: `Access-Control-Allow-Origin` is the origin a browser sends only
after. CORS203: `Access-Control-Allow-Headers` lists `Content-Type` only after. CORS207:
`Access-Control-Max-Age` is 86400 before and 7200 after.

Next.js is proven with next's own config loader and header matcher (`loadConfig`,
`loadCustomRoutes`, `getPathMatch`), not `next build` + `next start`: a build takes about
40 s a pair. That the App Router's answer to a preflight carries these configured headers
is measured once, with the real server, in test_differential_next.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.probe_battery import cors_headers
from tests.test_differential_express import require_node_package
from tests.test_differential_next_hosting import _run
from tests.test_fixes import cases, project

SHOP = "https://shop.example.com"
PATH = "/api/items"
_PLATFORMS = {
    "nextjs_headers": "next",
    "vercel": "vercel",
    "netlify": "netlify",
    "netlify_headers_file": "netlify",
}
HOSTED = [c for c in cases() if c.split("-", 1)[1] in _PLATFORMS]


def _sent(case: str, path: Path) -> dict[str, str]:
    """The CORS headers the platform's code puts on a response for PATH (Origin: SHOP)."""
    platform = _PLATFORMS[case.split("-", 1)[1]]
    require_node_package(
        {"next": "next", "vercel": "@vercel/routing-utils"}.get(platform, "@netlify/headers-parser")
    )
    item: dict[str, Any] = {"name": case, "platform": platform, "paths": [PATH]}
    if platform == "next":
        item |= {"dir": str(path.parent), "origins": [SHOP]}
    elif platform == "vercel":
        item["file"] = str(path)
    else:
        item["files"] = {path.name: str(path)}
    result = _run([item])[case]
    assert "error" not in result and not result.get("errors"), result
    (entry,) = result["paths"]
    assert entry["matched"], result
    return cors_headers([(name, value) for name, value in entry["headers"]])


@pytest.mark.parametrize("case", HOSTED)
def test_platform_sends_the_fixed_header(case: str, tmp_path: Path) -> None:
    old = _sent(case, project(case, tmp_path / "before"))
    new = _sent(case, project(case, tmp_path / "after", "after"))
    rule = case.split("-")[0]
    if rule == "cors301":
        assert old.get("access-control-allow-origin") != SHOP
        assert new.get("access-control-allow-origin") == SHOP
    elif rule == "cors203":
        names = [
            [n.strip().lower() for n in a.get("access-control-allow-headers", "").split(",")]
            for a in (old, new)
        ]
        assert "content-type" not in names[0] and "content-type" in names[1]
        assert set(names[0]) < set(names[1])
    else:
        assert rule == "cors207"
        assert int(old["access-control-max-age"]) > 7200 and new["access-control-max-age"] == "7200"
    changed = {name for name in {*old, *new} if old.get(name) != new.get(name)}
    assert len(changed) == 1, (old, new)  # the fix changes the one header it names


def test_every_hosting_platform_has_pairs() -> None:
    assert {c.split("-", 1)[1] for c in HOSTED} == set(_PLATFORMS)
