"""The CORS libraries corslint knows of but does not model, and how code names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnmodelledLibrary:
    """A CORS library: what messages call it, and the names code imports it by."""

    display: str
    imports: frozenset[str]  # Python modules or npm specifiers (an import of a submodule counts)


PYTHON_LIBRARIES = (
    UnmodelledLibrary("aiohttp-cors", frozenset({"aiohttp_cors"})),
    UnmodelledLibrary("Quart-CORS", frozenset({"quart_cors"})),
    UnmodelledLibrary("Litestar CORSConfig", frozenset({"litestar.config.cors"})),
    UnmodelledLibrary("Sanic-CORS", frozenset({"sanic_cors"})),
    UnmodelledLibrary("cherrypy-cors", frozenset({"cherrypy_cors"})),
    UnmodelledLibrary("pyramid-cors", frozenset({"pyramid_cors"})),
)
# Libraries whose import alone says nothing about CORS: the code names the CORS part.
LITESTAR_CONFIG = "litestar.CORSConfig"
FALCON = UnmodelledLibrary("Falcon's CORS support", frozenset({"falcon"}))

JS_LIBRARIES = (
    UnmodelledLibrary("@fastify/cors", frozenset({"@fastify/cors", "fastify-cors"})),
    UnmodelledLibrary("@koa/cors", frozenset({"@koa/cors", "koa2-cors", "kcors", "koa-cors"})),
    UnmodelledLibrary("Hono's cors middleware", frozenset({"hono/cors"})),
    UnmodelledLibrary(
        "restify-cors-middleware", frozenset({"restify-cors-middleware", "restify-cors-middleware2"})
    ),
    UnmodelledLibrary("micro-cors", frozenset({"micro-cors"})),
    UnmodelledLibrary("@elysiajs/cors", frozenset({"@elysiajs/cors"})),
    UnmodelledLibrary("nextjs-cors", frozenset({"nextjs-cors"})),
    UnmodelledLibrary("@tinyhttp/cors", frozenset({"@tinyhttp/cors"})),
)
# NestJS hands `enableCors` options to @fastify/cors when the app runs on Fastify.
NEST_FASTIFY = "@nestjs/platform-fastify"


def library_of(name: str, libraries: tuple[UnmodelledLibrary, ...]) -> UnmodelledLibrary | None:
    """The library an imported module or specifier belongs to (`aiohttp_cors.abc` too)."""
    for library in libraries:
        for known in library.imports:
            if name == known or name.startswith(known + ".") or name.startswith(known + "/"):
                return library
    return None


def message(library: UnmodelledLibrary) -> str:
    return f"corslint does not model {library.display} yet: the CORS configuration here was not checked"
