"""Whether Next.js loads a middleware (`proxy`) file at all: it reads the one next to the
folder that holds the app's routes, found as `findPagesDir` finds it (next 14-16):
`pages`, then `app`, each looked for at the project root before `src/`. When the app
lives in `src/app` or `src/pages`, a root `middleware.ts` is never run (vercel/next.js
#44788; shayush622/resQlink-client `server/middleware.ts` beside `server/src/app`), and a
`src/middleware.ts` is not run when the routes are at the root."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.js.project_files import project_root


def ignored_by_next(file: Path | None) -> bool:
    """True for a middleware at the project root or in `src/` that the project's route
    folders say Next.js never loads; False when it does, when no route folder is found
    (nothing to go by), or for a file in any other folder."""
    if file is None:
        return False
    root = project_root(file)
    if root is None:
        return False
    folder = file.resolve().parent
    if folder not in {root.resolve(), (root / "src").resolve()}:
        return False  # kept elsewhere and copied into place by a build (umami's docker/proxy.ts)
    routes = _route_dir(root, "pages") or _route_dir(root, "app")
    if routes is None:
        return False
    return folder != routes.parent.resolve()


def _route_dir(root: Path, name: str) -> Path | None:
    for candidate in (root / name, root / "src" / name):
        if candidate.exists():
            return candidate
    return None
