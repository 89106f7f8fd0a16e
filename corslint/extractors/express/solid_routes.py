"""SolidStart API routes (`src/routes/**/*.ts`): `export async function GET(event: APIEvent)`,
`export function OPTIONS(...)`, each answering its own method with the `Response` it returns
(SolidStart hands a request to the export named for its method; ARTHURVANBELLE/SolidWebApp
src/routes/api/debug/token-check.ts: a `GET` export returning `applyCors(event, response)`).
Read as separate Fetch handlers, a `GET` export was taken to answer OPTIONS too, and a
helper it calls was reported as the preflight's answer. Read like Astro endpoints
(`astro_endpoints`): what SolidStart answers to an OPTIONS request no export takes is not
modelled (left unknown)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.express.astro_endpoints import ASTRO_ENDPOINT, is_astro_endpoint
from corslint.extractors.js.module import JsModule

SOLID_ROUTE = "solidstart_route_headers"  # the framework of a route's policy
_SUFFIXES = frozenset({".js", ".ts", ".jsx", ".tsx", ".mjs", ".mts"})


def is_solid_route(module: JsModule) -> bool:
    """A module under a `routes` folder that imports from `@solidjs/start` (its `APIEvent`)."""
    pure = PurePosixPath(module.path)
    return (
        pure.suffix in _SUFFIXES
        and "routes" in pure.parts[:-1]
        and any(specifier.startswith("@solidjs/start") for specifier, _ in module.imports.values())
    )


def method_exports_style(module: JsModule) -> str | None:
    """The framework of a module whose method-named exports each answer their own method
    (an Astro endpoint, a SolidStart API route), or None."""
    if is_astro_endpoint(module):
        return ASTRO_ENDPOINT
    return SOLID_ROUTE if is_solid_route(module) else None
