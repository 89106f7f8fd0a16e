"""Which @fastify/cors major a registration runs, recorded on its policy (the default
`methods` changed in 11.0; `frameworks.fastify_cors_versions`)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node
from corslint.frameworks.fastify_cors_versions import (
    FASTIFY2_MAJOR,
    LEGACY_MAJORS,
    LEGACY_PACKAGE,
    VERSION_OPTION,
    version_value,
)
from corslint.model import Value

# options fastify-cors 6.x does not have: a policy using them is not the one it runs
_LATER_OPTIONS = frozenset({"delegator", "hook", "cacheControl", "logLevel"})

PACKAGE = "@fastify/cors"
NEST_ADAPTER = "@nestjs/platform-fastify"
# adapter majors that only ever depended on one @fastify/cors major (npm metadata): 9.x
# pinned 8.x; 10.x moved from 8.x to 9.x and 11.x from 10.x to 11.x, so a lock must tell
_NEST_ADAPTER_CORS_MAJOR = {9: 8}


def with_version(
    module: JsModule, options: dict[str, Value], call: Node, *, nest: bool = False
) -> dict[str, Value]:
    """`options` plus the installed major, when a lock file or package.json tells it."""
    if nest:
        major = installed_major(module.file, PACKAGE, via=NEST_ADAPTER)
        if major is None:
            adapter = installed_major(module.file, NEST_ADAPTER)
            major = _NEST_ADAPTER_CORS_MAJOR.get(adapter) if adapter is not None else None
    else:
        major = installed_major(module.file, PACKAGE)
    if major is None:
        return options
    return {**options, VERSION_OPTION: version_value(major, module.location(call), f"{PACKAGE} {major}.x")}


def legacy_options(
    module: JsModule, options: dict[str, Value], call: Node, arguments: list[Node]
) -> dict[str, Value] | None:
    """The options of a `fastify-cors` registration, recorded as the @fastify/cors major that
    republished its code; None when its installed major is not one corslint models. A
    function in place of the options is, for 6.x, a delegator `(req, cb)`, and options only
    later majors read leave the options unknown."""
    installed = installed_major(module.file, LEGACY_PACKAGE) or 0
    major = LEGACY_MAJORS.get(installed)
    if major is None:
        return None
    if _LATER_OPTIONS & options.keys():
        options = {"**": module.unknown(arguments[1])}
    where = module.location(call)
    if major != FASTIFY2_MAJOR:
        source = f"{LEGACY_PACKAGE} {installed}.x (@fastify/cors {major})"
    else:  # 4.x runs 3.x's code
        source = f"{LEGACY_PACKAGE} {installed}.x" + (
            "" if installed == major else f" (the code of {major}.x)"
        )
    return {**options, VERSION_OPTION: version_value(major, where, source)}


def legacy_framework(options: dict[str, Value]) -> str:
    """The model of a `fastify-cors` registration `legacy_options` read."""
    version = options.get(VERSION_OPTION)
    return (
        "fastify_cors_3" if version is not None and version.raw == FASTIFY2_MAJOR else "fastify_cors_legacy"
    )
