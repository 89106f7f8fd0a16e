"""Allow-lists of host globs matched with wildcard-match against the host of the Origin:

    let host;
    try { host = new URL(origin || "").host; } catch { host = origin || ""; }
    const allow = HOSTS.some((pattern) => wcmatch(pattern)(host));

(mx-space/core `apps/core/src/bootstrap.ts` over the default list of `app.config.ts`:
`*.vercel.app`, `*.dev`, `localhost:*`). Measured with wildcard-match 5.1.4: a pattern
compiles to `^...[/\\\\]*?$`, `*` is `[^/\\\\]*?` (dots and colons included, so `*.dev` admits
`a.b.dev` and `localhost:*` any port), `?` one such character, a backslash escapes the next
character, anything else is literal and case-sensitive. `URL.host` is the lower-cased host
with its port, whatever the scheme, so each entry admits the origins of every scheme whose
host (and port) it matches. A `/` or `\\` in a pattern (segments, `**`) is not read here."""

from __future__ import annotations

import re

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, single_parameter, unwrap
from corslint.model import Provenance, Regex, Value

_PACKAGES = frozenset({"wildcard-match"})
_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
_ANY = r"[^/\\]"


def host_glob_entries(
    module: JsModule, callback: Node, body: Node, name: str, holder: Value
) -> tuple[list[Value], bool] | None:
    """The entries `list.some((p) => wcmatch(p)(host))` admits, with `host` the Origin's
    `new URL(...).host`; None for any other callback or a pattern not read exactly."""
    entry = single_parameter(callback)
    body = unwrap(body)
    if entry is None or body.type != "call_expression":
        return None
    compiled = unwrap(body.child_by_field_name("function"))
    tested = call_arguments(body)
    if compiled.type != "call_expression" or len(tested) != 1:
        return None
    if not _is_wildcard_match(module, compiled.child_by_field_name("function")):
        return None
    patterns = call_arguments(compiled)
    if len(patterns) != 1 or module.text(unwrap(patterns[0])) != entry:
        return None  # a second argument sets another separator
    raw_fallback = _origin_host(module, unwrap(tested[0]), name, callback)
    if raw_fallback is None or not (holder.known and isinstance(holder.raw, tuple)):
        return None
    entries: list[Value] = []
    admits_missing = False
    # a default list (`process.env.HOSTS ? ... : [...]`): each entry "when HOSTS is unset"
    defaulted = holder.provenance is Provenance.ENV_DEFAULT and holder.env_var is not None
    for item in holder.raw:
        if defaulted and item.env_var is None:
            item = Value(item.raw, item.location, Provenance.ENV_DEFAULT, holder.env_var)
        if not (item.known and isinstance(item.raw, str)):
            return None
        host = _host_pattern(item.raw)
        if host is None:
            return None
        if item.raw != item.raw.lower():
            continue  # URL lower-cases the host: upper-case letters never match it
        if raw_fallback and re.fullmatch(host, "null"):
            # `new URL("null")` throws and the catch tests the Origin itself
            entries.append(Value("null", item.location, item.provenance, item.env_var))
        admits_missing = admits_missing or (raw_fallback and re.fullmatch(host, "") is not None)
        pattern = f"^[a-z][a-z0-9+.-]*://{host}$"
        entries.append(Value(Regex(pattern, "i"), item.location, item.provenance, item.env_var))
    return entries, admits_missing


def _host_pattern(glob: str) -> str | None:
    """The RegExp body wildcard-match 5.1.4 builds for a glob without separators."""
    if "/" in glob or not glob:
        return None
    out = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "\\":
            if index + 1 >= len(glob) or glob[index + 1] in "/\\":
                return None
            out.append(re.escape(glob[index + 1]))
            index += 2
            continue
        if char == "*":
            out.append(f"{_ANY}*")
        elif char == "?":
            out.append(_ANY)
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _is_wildcard_match(module: JsModule, function: Node | None) -> bool:
    """The default export of wildcard-match, imported or required."""
    if function is None:
        return False
    function = unwrap(function)
    if function.type != "identifier":
        return False
    imported = module.imports.get(module.text(function))
    return imported is not None and imported[0] in _PACKAGES and imported[1] in {"default", "*"}


def _origin_host(module: JsModule, tested: Node, name: str, callback: Node) -> bool | None:
    """Whether `tested` is the Origin's `new URL(origin).host` (False), or that with the
    Origin itself where `new URL` throws (True: `try { h = new URL(o).host } catch { h = o }`);
    None for anything else."""
    if _url_host(module, tested, name):
        return False
    if tested.type != "identifier":
        return None
    local = module.text(tested)
    function = _enclosing_function(callback)
    if function is None:
        return None
    values = [value for node in _walk(function) for value in _written(module, node, local)]
    if not values:
        return None
    fallback = False
    for value, in_catch in values:
        if _url_host(module, value, name):
            continue
        if in_catch and _names_origin(module, value, name):
            fallback = True
            continue
        return None
    return fallback if any(_url_host(module, value, name) for value, _ in values) else None


def _written(module: JsModule, node: Node, local: str) -> list[tuple[Node, bool]]:
    """The value `node` gives `local` (a declarator or an assignment), and whether it is in a
    `catch` clause."""
    if node.type == "variable_declarator" and module.text(node.child_by_field_name("name")) == local:
        value = node.child_by_field_name("value")
        return [(unwrap(value), _in_catch(node))] if value is not None else []
    if (
        node.type == "assignment_expression"
        and module.text(unwrap(node.child_by_field_name("left"))) == local
    ):
        return [(unwrap(node.child_by_field_name("right")), _in_catch(node))]
    return []


def _url_host(module: JsModule, node: Node, name: str) -> bool:
    """`new URL(origin).host` (`origin || ""`, `origin as string` too)."""
    if node.type != "member_expression" or module.text(node.child_by_field_name("property")) != "host":
        return False
    built = unwrap(node.child_by_field_name("object"))
    if built.type != "new_expression" or module.text(built.child_by_field_name("constructor")) != "URL":
        return False
    arguments = call_arguments(built)
    return len(arguments) == 1 and _names_origin(module, unwrap(arguments[0]), name)


def _names_origin(module: JsModule, node: Node, name: str) -> bool:
    """`origin`, `origin || ""` or `origin ?? ""`."""
    text = module.text(node).replace(" ", "").replace("'", '"')
    return text in {name, f'{name}||""', f'{name}??""'}


def _enclosing_function(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent


def _in_catch(node: Node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        if parent.type == "catch_clause":
            return True
        parent = parent.parent
    return False


def _walk(function: Node) -> list[Node]:
    """The declarators and assignments of `function`, not those of functions inside it."""
    out = []
    stack = list(function.named_children)
    while stack:
        current = stack.pop()
        if current.type in _FUNCTIONS:
            continue
        if current.type in {"variable_declarator", "assignment_expression"}:
            out.append(current)
        stack.extend(current.named_children)
    return out
