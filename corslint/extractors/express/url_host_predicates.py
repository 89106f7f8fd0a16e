"""A predicate of the Origin that parses it and tests the parsed host, with a parse failure
refused (AutumnsGrove/GroveAuth `src/middleware/cors.ts`):

    function isTrustedSubdomain(origin) {
      try {
        const url = new URL(origin);
        return url.hostname.endsWith('.example.org') && url.protocol === 'https:';
      } catch {
        return false;
      }
    }

`new URL` lower-cases the scheme and host and drops a default port, so the test admits
the origins of any host ending so (any port), under `https:` when the protocol is tested
too; it is carried into the guard as that pattern."""

from __future__ import annotations

from corslint.extractors.express.origin_list_reads import js_escape, parsed_url_of, reads_url_hostname
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, conjuncts, unwrap
from corslint.model import Location, Regex, Value

_ANY_SCHEME = "[a-z][a-z0-9+.-]*://"
_PORT = "(:[0-9]+)?$"
_EQUALS = frozenset({"===", "=="})


def parsed_url_predicate(module: JsModule, block: Node, name: str) -> tuple[list[Value], bool] | None:
    """The origin patterns a `try { const url = new URL(name); return TEST } catch { return
    false }` body admits, a missing Origin refused; None when it is not that shape or its
    test is not a conjunction of one host test and at most one protocol test."""
    statements = [child for child in block.named_children if child.type != "comment"]
    if len(statements) != 1 or statements[0].type != "try_statement":
        return None
    attempt = statements[0]
    handler = attempt.child_by_field_name("handler")
    refusal = handler.child_by_field_name("body") if handler is not None else None
    if attempt.child_by_field_name("finalizer") is not None or refusal is None:
        return None
    if "".join(module.text(refusal).split()).rstrip("};").lstrip("{") not in {"returnfalse"}:
        return None
    body = attempt.child_by_field_name("body")
    inner = [child for child in body.named_children if child.type != "comment"] if body is not None else []
    if not inner or inner[-1].type != "return_statement" or not inner[-1].named_children:
        return None
    if any(statement.type != "lexical_declaration" for statement in inner[:-1]):
        return None
    found = _host_test(module, unwrap(inner[-1].named_children[0]), name)
    return ([found], False) if found is not None else None


def _host_test(module: JsModule, test: Node, name: str) -> Value | None:
    host: str | None = None
    scheme = _ANY_SCHEME
    location = module.location(test)
    for atom in conjuncts(unwrap(test)):
        if (protocol := _protocol(module, atom, name)) is not None:
            if protocol != "https:" or scheme != _ANY_SCHEME:
                return None
            scheme = "https://"
            continue
        tested = _hostname_test(module, atom, name)
        if tested is None or host is not None:
            return None
        host, location = tested
    if host is None:
        return None
    return Value(Regex(f"^{scheme}{host}{_PORT}", "i"), location)


def _hostname_test(module: JsModule, atom: Node, name: str) -> tuple[str, Location] | None:
    """`url.hostname.endsWith('.example.org')` -> a host pattern; `url.hostname === 'x'` too."""
    if atom.type == "call_expression":
        function = unwrap(atom.child_by_field_name("function"))
        arguments = atom.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if function.type != "member_expression" or len(named) != 1:
            return None
        if module.text(function.child_by_field_name("property")) != "endsWith":
            return None
        if not _reads_hostname(module, function.child_by_field_name("object"), name):
            return None
        suffix = module.resolve(named[0])
        if not (suffix.known and isinstance(suffix.raw, str)) or not suffix.raw.startswith("."):
            return None  # `endsWith('example.org')` also admits `evilexample.org`: left unread
        if suffix.raw != suffix.raw.lower() or "/" in suffix.raw or ":" in suffix.raw:
            return None
        return f"[^/:]*{js_escape(suffix.raw)}", suffix.location
    if atom.type == "binary_expression" and module.text(atom.child_by_field_name("operator")) in _EQUALS:
        left, right = atom.child_by_field_name("left"), atom.child_by_field_name("right")
        for side, other in ((left, right), (right, left)):
            if _reads_hostname(module, side, name):
                host = module.resolve(other)
                if host.known and isinstance(host.raw, str) and host.raw and host.raw == host.raw.lower():
                    return js_escape(host.raw), host.location
    return None


def _protocol(module: JsModule, atom: Node, name: str) -> str | None:
    """`url.protocol === 'https:'`: the protocol tested, for `url` parsed from `name`."""
    if atom.type != "binary_expression" or module.text(atom.child_by_field_name("operator")) not in _EQUALS:
        return None
    left, right = atom.child_by_field_name("left"), atom.child_by_field_name("right")
    for side, other in ((left, right), (right, left)):
        side = unwrap(side)
        if (
            side.type != "member_expression"
            or module.text(side.child_by_field_name("property")) != "protocol"
        ):
            continue  # not `url.protocol`
        if not parsed_url_of(module, side.child_by_field_name("object"), name):
            continue
        value = module.resolve(other)
        return value.raw if value.known and isinstance(value.raw, str) else None
    return None


def _reads_hostname(module: JsModule, node: Node, name: str) -> bool:
    """`new URL(name).hostname`, a local bound to it, or `url.hostname` on a local `url` bound
    once to `new URL(name)`."""
    if reads_url_hostname(module, node, name):
        return True
    node = unwrap(node)
    return (
        node.type == "member_expression"
        and module.text(node.child_by_field_name("property")) == "hostname"
        and parsed_url_of(module, node.child_by_field_name("object"), name)
    )
