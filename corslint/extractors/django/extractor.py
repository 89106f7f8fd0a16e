"""Django settings modules configuring django-cors-headers, read with the stdlib `ast`.

A settings module is evaluated statically, statement by statement, the way Python would
run it: `from .base import *` copies the base module's names, later assignments,
`+=`, `.append()` / `.insert()` override them, and an `if` whose test resolves picks its
branch (an undecidable DEBUG switch counts as off: its branch is development-only); django-split-settings `include()` runs its files in one namespace. One policy is
produced per *leaf* settings module (one no other settings module star-imports or
includes), so `production.py` is judged with what it inherits from `base.py`, and a base
module is judged on its own only when nothing but development modules extends it.
Nothing is imported or executed.
"""

from __future__ import annotations

import ast

from corslint.extractors import ProjectContext
from corslint.extractors.django.evaluation import evaluate
from corslint.extractors.django.module_paths import module_key
from corslint.extractors.django.policy import build_policy
from corslint.extractors.django.settings_chain import emitter, is_settings_module, leaves, may_be_settings
from corslint.extractors.django.syntax import call_arguments, qualified_name
from corslint.model import CorsPolicy, Diagnostic, Extraction

SIGNAL = "corsheaders.signals.check_request_enabled"


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    diagnostics = _signal_handlers(context, path, text) if "check_request_enabled" in text else ()
    if not may_be_settings(path, text):
        return Extraction(diagnostics=diagnostics)
    module = context.python.parse(path, text)
    namespace = evaluate(module)
    if not is_settings_module(module, namespace):
        return Extraction()
    policies: list[CorsPolicy] = []
    here = module_key(module)
    for leaf in leaves(context, module):
        if module_key(leaf) == here:
            leaf_namespace = namespace
        elif emitter(leaf) == here:
            leaf_namespace = evaluate(leaf)
        else:
            continue
        policy = build_policy(leaf, leaf_namespace)
        if policy is not None:
            policies.append(policy)
    return Extraction(policies=tuple(policies), diagnostics=diagnostics)


def _signal_handlers(context: ProjectContext, path: str, text: str) -> tuple[Diagnostic, ...]:
    """Receivers of corsheaders' `check_request_enabled`: code decides per request."""
    module = context.python.parse(path, text)
    found: list[Diagnostic] = []
    message = (
        "django-cors-headers: a `check_request_enabled` receiver enables CORS per request, beyond "
        "CORS_URLS_REGEX and the allowed origins; corslint did not check which requests it admits"
    )
    for node in module.calls:
        func = node.func
        # check_request_enabled.connect(handler) or @receiver(check_request_enabled)
        connected = (
            isinstance(func, ast.Attribute)
            and func.attr == "connect"
            and qualified_name(module, func.value) == SIGNAL
        )
        received = qualified_name(module, func).endswith("receiver") and any(
            qualified_name(module, arg) == SIGNAL for arg in call_arguments(node)
        )
        if connected or received:
            found.append(Diagnostic("CORS305", message, module.location(node)))
    return tuple(found)
