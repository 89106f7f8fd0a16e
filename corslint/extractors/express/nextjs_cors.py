"""Policies from ``nextjs-cors``: each ``await NextCors(req, res, options)`` in a Next.js API
route (or a helper the routes call) runs the ``cors`` package on that request, so its
options are read as the ``cors`` package's (frameworks/nextjs_cors.py)."""

from __future__ import annotations

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.fetch_cors_ports import fetch_cors_port_policies
from corslint.extractors.express.koa_cors import koa_cors_names
from corslint.extractors.express.options import option_map
from corslint.extractors.express.registrations import is_package_call
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.model import CorsPolicy, Evidence, Value

PACKAGE = "nextjs-cors"
_OPTIONS_ARGUMENT = 2  # NextCors(req, res, options)


def nextjs_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    policies = fetch_cors_port_policies(module, bearer)
    names = koa_cors_names(module, PACKAGE)
    if not names and PACKAGE.encode() not in module.source:
        return policies
    for node in module.of_kind("call_expression"):
        if not is_package_call(module, names, node, PACKAGE):
            continue
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        options: dict[str, Value] = {}
        evidence: list[Evidence] = []
        if len(arguments) > _OPTIONS_ARGUMENT:
            argument = arguments[_OPTIONS_ARGUMENT]
            options, evidence = option_map(module, module.resolve(argument), argument)
        policies.append(
            CorsPolicy(
                framework="nextjs_cors",
                location=module.location(node),
                options=options,
                evidence=(*evidence, *bearer),
                development_only=is_development_path(module.path) or development_guarded(module, node),
                label="nextjs-cors",
                branch=arms_around(node),
            )
        )
    return policies
