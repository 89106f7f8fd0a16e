"""Whether Next.js loads a middleware (`proxy`) file at all: it reads the one next to the
folder that holds the app's routes, found as `findPagesDir` finds it (next 14-16):
`pages`, then `app`, each looked for at the project root before `src/`. When the app
lives in `src/app` or `src/pages`, a root `middleware.ts` is never run (vercel/next.js
#44788; shayush622/resQlink-client `server/middleware.ts` beside `server/src/app`), and a
`src/middleware.ts` is not run when the routes are at the root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path, project_root
from corslint.model import CorsPolicy, Evidence, Value


def ignored_by_next(file: Path | None) -> bool:
    """True for a middleware at the project root or in `src/` that the project's route
    folders say Next.js never loads; False when it does, when no route folder is found
    (nothing to go by), or for a file in any other folder."""
    return routes_folder_elsewhere(file) is not None


def routes_folder_elsewhere(file: Path | None) -> str | None:
    """The route folder (`src/app`, `app` ...), relative to the project root, when it says
    Next.js never loads the middleware `file`; None when it does, when no route folder is
    found (nothing to go by), or for a file in any other folder."""
    if file is None:
        return None
    root = project_root(file)
    if root is None:
        return None
    folder = file.resolve().parent
    inside = _inside_app_routes(root, folder)
    if inside is not None:
        return inside
    if folder not in {root.resolve(), (root / "src").resolve()}:
        return None  # kept elsewhere and copied into place by a build (umami's docker/proxy.ts)
    routes = _route_dir(root, "pages") or _route_dir(root, "app")
    if routes is None or folder == routes.parent.resolve():
        return None
    return routes.relative_to(root).as_posix()


def _inside_app_routes(root: Path, folder: Path) -> str | None:
    """The App Router folder (`app`, `src/app`) that holds `folder`: a `middleware.ts` kept
    among the routes (terminaltrifecta/AmigosStreetTacos `app/api/middleware.ts`) is neither
    loaded as middleware nor served, since only `route` and `page` files are. (Inside
    `pages/` it would be an API route of its own, so that folder is not judged here.)"""
    for candidate in (root / "app", root / "src" / "app"):
        routes = candidate.resolve()
        if candidate.is_dir() and (folder == routes or routes in folder.parents):
            return candidate.relative_to(root).as_posix()
    return None


def _route_dir(root: Path, name: str) -> Path | None:
    for candidate in (root / name, root / "src" / name):
        if candidate.exists():
            return candidate
    return None


def never_run_policy(module: JsModule, located: Value, routes_folder: str) -> CorsPolicy:
    """A middleware Next.js never loads, as a policy that sends nothing, with CORS303's
    evidence at its first CORS header (`located`). Next's own e2e test `middleware-src-root`:
    "should not run middleware from the root when there is a src folder"."""
    name = PurePosixPath(module.path).name
    home = PurePosixPath(routes_folder).parent.as_posix()
    expected = name if home == "." else f"{home}/{name}"
    evidence = Evidence(
        "not-applied",
        f"this file is never run: Next.js loads `{name}` only beside the folder that holds the "
        f"app's routes (`{routes_folder}` here), so these CORS headers are never sent; move it "
        f"to `{expected}`",
        located.location,
        whole_layer=True,
    )
    return CorsPolicy(
        framework="nextjs_middleware",
        location=located.location,
        evidence=(evidence,),
        development_only=is_development_path(module.path),
        label=f"Next.js middleware ({name})",
        app=f"{module.path}::middleware (never run)",
    )
