"""Credentials a deployment switches on: `if (CORS_CONFIG.credentials) res.setHeader(
"Access-Control-Allow-Credentials", "true")` with `credentials: process.env.CORS_CREDENTIALS
=== "true"` (ButaiAI/line `api/utils/cors.js`, census 7 sample 146). Unset, the variable
equals no string: no credentials header goes out, and the `*` written beside it is judged
alone. Only a branch that adds the credentials header and nothing else is read so: an
opt-in around the whole CORS answer stays a test judged as written (`handwritten_steps`)."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk

_STAGE_NAMES = frozenset({"production", "prod", "development", "dev", "staging", "stage", "test", "local"})
_CREDENTIALS = "access-control-allow-credentials"


def credentials_opt_in(
    module: JsModule, test: Node | None, consequence: Node | None, alternative: Node | None
) -> bool:
    """Whether `if (test) consequence` (no else) only adds the credentials header, and `test`
    is an unset variable compared equal to a string, directly or through a `const` or a
    `const` object's property."""
    if test is None or consequence is None or alternative is not None:
        return False
    headers = {
        text.lower()
        for node in walk(consequence)
        if (text := string_value(node)) is not None and text.lower().startswith("access-control-")
    }
    return headers == {_CREDENTIALS} and _env_equality(module, test, 0)


def _env_equality(module: JsModule, node: Node, depth: int) -> bool:
    node = unwrap(node)
    if depth > 3:
        return False
    if node.type == "binary_expression":
        if module.text(node.child_by_field_name("operator")) not in {"===", "=="}:
            return False
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        for read, compared in ((left, right), (right, left)):
            name = module.env_name(read)
            text = string_value(compared)
            if name is not None and text is not None:
                return (
                    name != "NODE_ENV" and text.lower() not in _STAGE_NAMES and not module.resolve(read).known
                )
        return False
    if node.type == "identifier":
        bound = declared_value(module, module.text(node), node)
        return bound is not None and _env_equality(module, bound, depth + 1)
    if node.type == "member_expression":
        holder, field = unwrap(node.child_by_field_name("object")), node.child_by_field_name("property")
        if holder.type != "identifier" or field is None:
            return False
        record = declared_value(module, module.text(holder), node)
        if record is None or unwrap(record).type != "object" or _written(module, module.text(holder)):
            return False
        for pair in unwrap(record).named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and (string_value(key) or module.text(key)) == module.text(field):
                value = pair.child_by_field_name("value")
                return value is not None and _env_equality(module, value, depth + 1)
    return False


def _written(module: JsModule, name: str) -> bool:
    """Whether some assignment writes a property of the record (`CONFIG.credentials = true`)."""
    return any(
        unwrap(assignment.child_by_field_name("left")).type != "identifier"
        for assignment in module.assignments.get(name, [])
    )
