"""Which middleware file Next.js loads (`next_middleware_location.ignored_by_next`): the one
beside the folder holding the routes, `pages` then `app`, each at the root before `src/`
(measured on next start: tests/test_differential_next_layout.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.extractors.express.next_middleware_location import ignored_by_next


def _project(root: Path, *folders: str) -> None:
    (root / "package.json").write_text('{ "name": "app", "dependencies": { "next": "16.5.0" } }\n')
    for folder in folders:
        (root / folder).mkdir(parents=True)


@pytest.mark.parametrize(
    ("folders", "middleware", "ignored"),
    [
        (("src/app",), "middleware.ts", True),  # vercel/next.js#44788
        (("src/app",), "src/middleware.ts", False),
        (("src/pages",), "proxy.ts", True),
        (("app",), "middleware.ts", False),
        (("app",), "src/middleware.ts", True),  # routes at the root: src/ is not used
        (("app", "src/app"), "middleware.ts", False),  # the root folder wins
        (("src/app",), "docker/proxy.ts", False),  # copied into place by a build (umami)
        ((), "middleware.ts", False),  # no route folder: nothing to go by
        (("app",), "app/api/middleware.ts", True),  # among the routes: neither loaded nor served
        (("src/app",), "src/app/middleware.ts", True),
        (("pages",), "pages/api/middleware.ts", False),  # an API route of its own there
    ],
)
def test_middleware_beside_the_routes_folder(
    tmp_path: Path, folders: tuple[str, ...], middleware: str, ignored: bool
) -> None:
    _project(tmp_path, *folders)
    file = tmp_path / middleware
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("export function middleware() {}\n")
    assert ignored_by_next(file) is ignored
