"""Receivers of django-cors-headers' `check_request_enabled` signal.

corsheaders asks the signal twice per request (middleware.py, 4.x-6.x): whether CORS is on
for the request (`is_enabled`, beside `CORS_URLS_REGEX`) and, for an origin that is not on
the allow-lists, whether to answer it anyway (`check_signal`). A receiver that returns a
true value without looking at the Origin (`return request.path.startswith("/api/")`) so
allows every origin on the requests it admits: the response carries the request's own
Origin, and `Access-Control-Allow-Credentials: true` when `CORS_ALLOW_CREDENTIALS` is on.
That is a policy of its own (judged like `CORS_ALLOW_ALL_ORIGINS = True` with the project's
credentials setting, and located at the receiver's `return`). A receiver that reads the
Origin (an allow-list of its own) stays CORS305: corslint does not follow that code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.launchers import named_settings
from corslint.extractors.django.module_paths import display_path, module_key
from corslint.extractors.django.settings_chain import entry_points, evaluated
from corslint.extractors.django.syntax import call_arguments, qualified_name
from corslint.extractors.python import PythonModule, dotted_name
from corslint.frameworks.django_cors import RECEIVER_OPTION
from corslint.model import CorsPolicy, Diagnostic, Provenance, Value

SIGNAL = "corsheaders.signals.check_request_enabled"
_UNCHECKED = (
    "django-cors-headers: a `check_request_enabled` receiver enables CORS per request, beyond "
    "CORS_URLS_REGEX and the allowed origins; corslint did not check which requests it admits"
)
# what a receiver reads when it decides by the Origin (or by anything else of the headers)
_ORIGIN_WORDS = ("origin", "headers", "meta")


@dataclass(frozen=True)
class Receiver:
    """A receiver connected to the signal, with its function when it is defined here."""

    connection: ast.Call  # `check_request_enabled.connect(f)` or `@receiver(check_request_enabled)`
    function: ast.FunctionDef | ast.AsyncFunctionDef | None


def receiver_findings(
    context: ProjectContext, path: str, text: str
) -> tuple[tuple[CorsPolicy, ...], tuple[Diagnostic, ...]]:
    """The policies of receivers that admit requests whatever their Origin, and a CORS305
    note for each receiver corslint cannot read."""
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    notes: list[Diagnostic] = []
    for receiver in _receivers(module):
        admitting = _origin_blind_return(receiver.function) if receiver.function is not None else None
        if admitting is None:
            notes.append(Diagnostic("CORS305", _UNCHECKED, module.location(receiver.connection)))
        elif admitting is not False:
            policies.extend(_policies(context, module, admitting))
    return tuple(policies), tuple(notes)


def _receivers(module: PythonModule) -> Iterator[Receiver]:
    functions = {
        node.name: node
        for node in module.tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    decorated = {
        id(decorator): function for function in functions.values() for decorator in function.decorator_list
    }
    for node in module.calls:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "connect"
            and qualified_name(module, func.value) == SIGNAL
        ):
            handler = node.args[0] if node.args else None
            named = functions.get(handler.id) if isinstance(handler, ast.Name) else None
            yield Receiver(node, named)
        elif qualified_name(module, func).endswith("receiver") and any(
            qualified_name(module, arg) == SIGNAL for arg in call_arguments(node)
        ):
            yield Receiver(node, decorated.get(id(node)))


def _origin_blind_return(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | bool | None:
    """The first `return` that may give a true value, when nothing in the receiver reads
    the request's headers; False when every return is false; None when it reads them."""
    for node in ast.walk(function):
        words = [node.attr] if isinstance(node, ast.Attribute) else []
        words += [node.id] if isinstance(node, ast.Name) else []
        words += [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else []
        if any(word in str(text).lower() for text in words for word in _ORIGIN_WORDS):
            return None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not function:
            return None  # a nested function: not followed
    returns = [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
    for value in returns:
        if not (isinstance(value, ast.Constant) and not value.value):
            return value
    return False


def _path_prefixes(value: ast.expr) -> list[str]:
    """`request.path.startswith("/api/")` tests: the prefixes admitted, for the message."""
    found: list[str] = []
    for node in ast.walk(value):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and dotted_name(node.func.value).split(".")[-1] in {"path", "path_info"}
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(arg.value)
                elif isinstance(arg, ast.Tuple):
                    found += [
                        e.value for e in arg.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    ]
    return found


def _policies(
    context: ProjectContext, module: PythonModule, admitting: ast.expr | bool
) -> Iterator[CorsPolicy]:
    at = module.location(admitting) if isinstance(admitting, ast.expr) else module.location(module.tree)
    prefixes = _path_prefixes(admitting) if isinstance(admitting, ast.expr) else []
    scope = " and ".join(f"{p}*" for p in prefixes)
    admitting_value = Value(
        True,
        at,
        Provenance.LITERAL,
        description="a `check_request_enabled` receiver that admits requests whatever their Origin",
    )
    credentials: list[Value | None] = []
    for settings_path in sorted(named_settings(context, module)):
        settings = context.python.module_at(settings_path, display_path(module, settings_path))
        if settings is None:
            continue
        for entry in entry_points(context, settings):
            credentials.append(evaluated(context, entry).value("CORS_ALLOW_CREDENTIALS"))
    for index, given in enumerate(credentials or [None]):
        options = {RECEIVER_OPTION: admitting_value}
        if prefixes:  # the receiver is what enables CORS on these paths (`is_enabled`)
            paths = "|".join(re.escape(prefix) for prefix in prefixes)
            options["CORS_URLS_REGEX"] = Value(f"^(?:{paths})", at, Provenance.LITERAL)
        if given is not None:
            options["CORS_ALLOW_CREDENTIALS"] = given
        yield CorsPolicy(
            framework="django",
            location=at,
            options=options,
            label="check_request_enabled receiver",
            scope=scope,
            probe_path=prefixes[0] if prefixes else "/",
            app=f"django-signal:{module_key(module)}:{at.line}:{index}",
        )
