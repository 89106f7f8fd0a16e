"""Which ``cors`` settings of apollo-server-lambda / -cloud-functions 2's
``server.createHandler({ cors })`` make its own CORS code send an Allow-Origin at all.

Version 2 does not call the cors package (apollo-server-lambda 2.6.7 and 2.26.2,
apollo-server-cloud-functions 2.26.2, ``dist/ApolloServer.js``): it copies a string
``cors.origin`` verbatim, reflects the request Origin for a boolean (lambda: only a truthy
one) and for an array that ``includes()`` it; any other value (a RegExp, a function) sets
nothing.
``cors: true`` or options without ``origin`` set no Allow-Origin, where the cors package
would send ``*``. The settings that do send one are judged with the cors package's model
(same values, same credentials header), so only the ones that send none are told apart
here: they make no policy.

Version 3 (apollo-server-lambda 3.13.0, run) reads no top-level ``cors``: its handler is
apollo-server-express's ``getMiddleware({ path: '/', ...expressGetMiddlewareOptions })``,
which mounts ``cors(cors)``, the cors package's defaults (``*``) when none is given.
`handler_major` tells the two apart where the project's lock file or package.json does."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.model import FunctionValue, Regex, Value


def sends_no_origin(cors: Value) -> bool:
    """Whether the version-2 `cors` setting `cors` (resolved) sets no Allow-Origin."""
    if not cors.known:
        return False
    if cors.raw is True:
        return True  # `cors: true`: `cors.origin` is undefined
    if not isinstance(cors.raw, dict):
        return False
    if "**" in cors.raw:
        return False  # a spread or unknown entries: `origin` may be among them
    origin = cors.raw.get("origin")
    if origin is None:
        return True
    if not origin.known:
        return False
    raw = origin.raw
    # `origin: false`: lambda sets nothing, but -cloud-functions 2 reflects every Origin for
    # any boolean (2.26.2 `typeof cors.origin === 'boolean'`): left to the cors model
    return raw is None or raw == "" or isinstance(raw, (Regex, FunctionValue))


def handler_major(module: JsModule, packages: frozenset[str]) -> int | None:
    """The major of the Apollo serverless package (of `packages`) this module's handler comes
    from, when the project's lock file or package.json tells it: the package the module
    imports, else the one the project depends on."""
    named = {specifier for specifier, _ in module.imports.values()} & packages
    if not named and module.project is not None:
        named = set(module.project.dependencies(module) & packages)
    if len(named) != 1:
        return None
    return installed_major(module.file, next(iter(named)))
