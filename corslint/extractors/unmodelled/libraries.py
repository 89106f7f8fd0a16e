"""The CORS libraries corslint knows of but does not model, and how code names them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class UnmodelledLibrary:
    """A CORS library: what messages call it, and the names code imports it by."""

    display: str
    imports: frozenset[str]  # Python modules or npm specifiers (an import of a submodule counts)


PYTHON_LIBRARIES = (
    UnmodelledLibrary("cherrypy-cors", frozenset({"cherrypy_cors"})),
    UnmodelledLibrary("pyramid-cors", frozenset({"pyramid_cors"})),
    # Flask-RESTful's copy of the old Flask `crossdomain` snippet (census 8 row B5:
    # zerodine/Boilerplate-FlaskRestMongoTornado `app/__init__.py`); a project-local copy of
    # the snippet is read by extractors/python_headers/decorators.py
    UnmodelledLibrary("Flask-RESTful's `cors.crossdomain`", frozenset({"flask_restful.utils.cors"})),
)

# CORS built into a Python web framework (importing the framework says nothing about
# CORS; these names do): Robyn's `ALLOW_CORS(app, origins=...)`, BlackSheep's
# `app.use_cors(...)` / `app.add_cors_policy(...)`, Sanic-Ext's `CORS_*` config keys
ROBYN_CORS = UnmodelledLibrary("Robyn's `ALLOW_CORS`", frozenset({"robyn"}))
BLACKSHEEP_CORS = UnmodelledLibrary("BlackSheep's `use_cors`", frozenset({"blacksheep"}))
SANIC_EXT_CORS = UnmodelledLibrary("Sanic-Ext's CORS", frozenset({"sanic_ext"}))

JS_LIBRARIES = (
    # @fastify/cors itself is modelled (extractors/express/fastify_cors.py); this is its
    # predecessor, whose versions for fastify 2/3 behave differently
    UnmodelledLibrary("fastify-cors", frozenset({"fastify-cors"})),
    # modelled in extractors/express/: @koa/cors, koa2-cors, kcors, koa-cors, nextjs-cors,
    # micro-cors, @elysiajs/cors, itty-router's createCors / cors
    UnmodelledLibrary(
        "restify-cors-middleware", frozenset({"restify-cors-middleware", "restify-cors-middleware2"})
    ),
    UnmodelledLibrary("@tinyhttp/cors", frozenset({"@tinyhttp/cors"})),
    # census 8 row B3: microapp-ai/ai-component-generator `cors.js`,
    # CSVaishakh/User-Mangement `server/middleware/cors.global.ts`
    UnmodelledLibrary("vercel-cors", frozenset({"vercel-cors"})),
    UnmodelledLibrary("nitro-cors", frozenset({"nitro-cors"})),
    # census 9 row B5: MichalNiedziela1601/cinkciarz_training `backend/plugins/cors.plugin.js`
    # (hapi-cors 1.0.1: one fixed Allow-Origin, `origins` joined by ", ", credentials on by default)
    UnmodelledLibrary("hapi-cors", frozenset({"hapi-cors"})),
)


def library_of(name: str, libraries: tuple[UnmodelledLibrary, ...]) -> UnmodelledLibrary | None:
    """The library an imported module or specifier belongs to (`aiohttp_cors.abc` too)."""
    for library in libraries:
        for known in library.imports:
            if name == known or name.startswith(known + ".") or name.startswith(known + "/"):
                return library
    return None


def message(library: UnmodelledLibrary) -> str:
    return f"corslint does not model {library.display} yet: the CORS configuration here was not checked"


def manifest_message(library: UnmodelledLibrary, manifest: str) -> str:
    return (
        f"corslint does not model {library.display} yet: {manifest} depends on it, and no "
        "configuration of it was checked"
    )


def distribution_name(name: str) -> str:
    """A Python package's name as pip compares it (PEP 503), also for an import name."""
    return name.lower().replace("_", "-").replace(".", "-")


# the dependency manifests read for CORS003 (npm's, and Python's)
MANIFESTS = frozenset({"package.json", "requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg"})
_NAMED = re.compile(r"corslint does not model (.+?) yet")


def library_named(message: str) -> str | None:
    """The library a CORS003 message (`message`, `manifest_message`) is about."""
    found = _NAMED.match(message)
    return found.group(1) if found else None
