"""Which route-rule headers a Nuxt server middleware replaces (`nitro_middleware_overrides`):
only writes made on every request the rule covers count; anything the reader cannot follow
leaves the rule's headers as Nitro sends them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sole_policy_inside

CONFIG = 'export default defineNuxtConfig({ routeRules: { "/api/**": { cors: true } } });\n'


def _kept(tmp_path: Path, middleware: str, folder: str = "server/middleware") -> set[str]:
    (tmp_path / "package.json").write_text('{"dependencies": {"nuxt": "^3.13.0"}}\n')
    (tmp_path / "nuxt.config.ts").write_text(CONFIG)
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / "cors.ts").write_text(middleware)
    policy = sole_policy_inside(tmp_path, "nitro_route_rules")
    return {name.lower() for name in policy.options}


ALL = {
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
}
WRITE = 'setResponseHeader(event, "Access-Control-Allow-Origin", "https://app.example.com");'


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (WRITE, ALL - {"access-control-allow-origin"}),
        (f'if (event.path.startsWith("/api/")) {{ {WRITE} }}', ALL - {"access-control-allow-origin"}),
        (f'if (event.path.startsWith("/admin/")) {{ {WRITE} }}', ALL),  # other paths
        (f'if (event.path.startsWith("/api/v2/")) {{ {WRITE} }}', ALL),  # some covered paths only
        (f'if (getRequestHeader(event, "origin") === "https://app.example.com") {{ {WRITE} }}', ALL),
        (f"if (event.method === 'OPTIONS') {{ return 'ok'; }}\n{WRITE}", ALL),  # not every request
        ('appendResponseHeader(event, "Access-Control-Allow-Origin", "https://app.example.com");', ALL),
        (f"try {{ {WRITE} }} catch (error) {{}}", ALL),
    ],
)
def test_only_writes_on_every_covered_request_replace(tmp_path: Path, body: str, kept: set[str]) -> None:
    assert _kept(tmp_path, f"export default defineEventHandler((event) => {{\n{body}\n}});\n") == kept


def test_a_folder_nuxt_does_not_scan_replaces_nothing(tmp_path: Path) -> None:
    middleware = f"export default defineEventHandler((event) => {{ {WRITE} }});\n"
    assert _kept(tmp_path, middleware, folder="middleware") == ALL
