"""Options a project helper of no parameters picks by a startup test and returns, handed to
the plugin as `register(cors, getCorsConfig())` (set 21, Afrisinc/auth-service
`src/config/cors.ts`, @fastify/cors):

    const corsOptions = () => {
      const stage = process.env.NODE_ENV || 'development';
      if (stage === 'development') {
        return { origin: true, credentials: true, maxAge: 86400 };
      }
      if (!process.env.ORIGINS) throw new Error('ORIGINS is required');
      logger.info('cors on');
      return { origin: process.env.ORIGINS.split(','), maxAge: 86400 };
    };

The helper runs once, when the plugin is registered, so each return is a configuration the
app may start with, exactly as `if (test) register(cors, A) else register(cors, B)` is read:
one variant per return, on branches that never run together. A test the model decides
(a constant) keeps only the arm it takes.

Only a plain helper: no parameters, not async; a block of `const` declarations, logging
calls, guards whose branch ends in `throw` or `process.exit(...)` (the server that starts
passed them), `if` statements without `else` whose branch is a single `return { ... }`, and
a last `return { ... }`; no other return. The helper's locals are read as every name is
(bound once in the module: its value; otherwise unknown, CORS305). Anything else: [] (the
options stay as read before)."""

from __future__ import annotations

import re
from collections.abc import Callable

from corslint.extractors.express.helper_returns import called_helper, guarded_returns, returned_object
from corslint.extractors.express.option_variants import OptionVariant
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence, Provenance, Value

# how one arm's object is read: (the helper's module, the object) -> options, evidence
ArmReader = Callable[[JsModule, Node], "tuple[dict[str, Value], list[Evidence]]"]

_LOGGER = re.compile(r"(?:console|logger|log|\w+\.log)\.\w+\(", re.DOTALL)
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})
_SCRIPTS = frozenset({".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"})


def helper_return_variants(module: JsModule, argument: Node | None, read: ArmReader) -> list[OptionVariant]:
    """One variant per return of the helper `argument` calls; [] when it is no such call."""
    if argument is None:
        return []
    call = unwrap(argument)
    if call.type != "call_expression" or list(call_arguments(call)):
        return []
    found = called_helper(module, call) or _bound_helper(module, call)
    if found is None:
        return []
    home, function = found
    returns = _returns(home, function)
    if returns is None:
        return []
    variants: list[OptionVariant] = []
    for test, returned in returns:
        if test is not None:
            decided = home.resolve(test)
            if decided.known and decided.provenance is not Provenance.ENV_DEFAULT and not decided.raw:
                continue  # never taken
        options, evidence = read(home, returned)
        where = f"return@{home.path}:{returned.start_point[0] + 1}:{returned.start_point[1]}"
        variants.append(OptionVariant(where, options, evidence))
        if test is not None and decided.known and decided.provenance is not Provenance.ENV_DEFAULT:
            break  # always taken: nothing after it runs
    if len(variants) == 1:
        return [OptionVariant("", variants[0].options, variants[0].evidence)]
    return variants


def _bound_helper(module: JsModule, call: Node) -> tuple[JsModule, Node] | None:
    """`const name = () => {...}` called by name, here or in the module it is imported
    from (`export { name }` or `export const name = ...` there)."""
    callee = unwrap(call.child_by_field_name("function") or call)
    if callee.type != "identifier":
        return None
    home: JsModule | None = module
    name = module.text(callee)
    if name in module.imports:
        specifier, name = module.imports[name]
        project = module.project
        target = project.resolve_specifier(module, specifier) if project is not None else None
        if project is None or target is None or target.suffix.lower() not in _SCRIPTS:
            return None
        home = project.load(target, project.display(module, target))
    bound = home.binding(name) if home is not None and name not in {"*", "default"} else None
    bound = unwrap(bound) if bound is not None else None
    if home is None or bound is None or bound.type not in _FUNCTIONS:
        return None
    return home, bound


def _returns(module: JsModule, function: Node) -> list[tuple[Node | None, Node]] | None:
    """[(the `if` test, or None for the last return; the object returned)], in order."""
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is not None and [p for p in parameters.named_children if p.type != "comment"]:
        return None
    if parameters is not None and parameters.type == "identifier":
        return None
    if any(child.type in {"async", "*"} for child in function.children):
        return None
    return guarded_returns(module, function, returned_object, lambda statement: _passes(module, statement))


def _passes(module: JsModule, statement: Node) -> bool:
    """A logging line, or a guard whose branch ends the start (nothing is returned there)."""
    if statement.type == "expression_statement":
        return _LOGGER.match(module.text(statement)) is not None
    return (
        statement.type == "if_statement"
        and statement.child_by_field_name("alternative") is None
        and _stops(module, statement.child_by_field_name("consequence"))
    )


def _stops(module: JsModule, node: Node | None) -> bool:
    """A guard's branch that ends the start: its last statement `throw` or `process.exit()`."""
    if node is None:
        return False
    parts = (
        [c for c in node.named_children if c.type != "comment"] if node.type == "statement_block" else [node]
    )
    if not parts or any(part.type == "return_statement" for part in parts):
        return False
    last = parts[-1]
    if last.type == "throw_statement":
        return True
    return last.type == "expression_statement" and module.text(last).replace(" ", "").startswith(
        "process.exit("
    )
