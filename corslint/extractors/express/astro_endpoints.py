"""Astro endpoints (`src/pages/**/*.ts|js`): `export const GET: APIRoute = ...`,
`export const OPTIONS: APIRoute = ...` (or `export async function POST(...)`) each answer
their own method with the `Response` they return (code corpus: `export const OPTIONS:
APIRoute = async () => new Response(null, { headers: corsHeaders })` beside a `POST` export
answering with `{ status: 201, headers }`). Read as separate Fetch handlers, the POST
answer was taken for the preflight's too, and a wrong CORS206 followed. What Astro answers
to an OPTIONS request no export takes is not modelled (left unknown)."""

from __future__ import annotations

from pathlib import PurePosixPath

from corslint.extractors.js.module import JsModule

ASTRO_ENDPOINT = "astro_endpoint_headers"  # the framework of an endpoint's policy
_SUFFIXES = frozenset({".js", ".ts", ".mjs", ".mts"})


def is_astro_endpoint(module: JsModule) -> bool:
    """A module under a `pages` folder that imports from `astro` (its `APIRoute` type)."""
    pure = PurePosixPath(module.path)
    return (
        pure.suffix in _SUFFIXES
        and "pages" in pure.parts[:-1]
        and any(specifier == "astro" for specifier, _ in module.imports.values())
    )
