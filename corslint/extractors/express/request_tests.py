"""Tests of the request that hand-written CORS code branches on, as the model's atoms: its
method compared with a name, and the path compared with a literal."""

from __future__ import annotations

import re
from collections.abc import Mapping

from corslint.extractors.express.request_inputs import METHOD_READ
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def method_test(requests: tuple[str, ...], text: str) -> str | None:
    """The model's atom for a test of the request's method (`text` without spaces, quotes
    as `'`): OPTIONS / !OPTIONS, METHOD:X / !METHOD:X, or TRUE / FALSE for a name no
    request a browser sends has (`req.method == "OPTION"`, a typo: luutb/serverchat-nodejs-)."""
    for request in requests:
        if not request:
            continue
        if text == f"isPreflightRequest({request})":
            return "PREFLIGHT"  # h3's: OPTIONS with an Origin and Access-Control-Request-Method
        if text == f"isMethod({request},'OPTIONS')":
            return "OPTIONS"  # h3's
        reads = {
            f"{request}.method",
            f"getMethod({request})",  # h3's
            f"{request}.method.toUpperCase()",
            f"{request}.method.toLowerCase()",
        }
        for read in reads:
            for operator, atom in (
                ("===", "OPTIONS"),
                ("==", "OPTIONS"),
                ("!==", "!OPTIONS"),
                ("!=", "!OPTIONS"),
            ):
                for literal in ("'OPTIONS'", "'options'"):
                    if text in {f"{read}{operator}{literal}", f"{literal}{operator}{read}"}:
                        return atom
            for comparison in ("===", "!==", "==", "!="):
                compared = _compared_literal(text, read, comparison)
                if compared is None:
                    continue
                if compared.upper() not in _METHOD_NAMES:
                    # `req.method == "OPTION"`: no request a browser sends has that method
                    return "TRUE" if comparison.startswith("!") else "FALSE"
                if compared in _METHOD_NAMES and not read.endswith("toLowerCase()"):
                    return f"{'!' if comparison.startswith('!') else ''}METHOD:{compared}"
            tested = _regex_method_test(text, read) or _listed_method_test(text, read)
            if tested is not None:
                return tested
    return None


_LISTED = re.compile(
    r"(!?)\[((?:'[A-Za-z]+',?)+)\]\.(includes|indexOf)\((.+?)\)(>-1|!==-1|!=-1|>=0|===-1|==-1|<0)?"
)


def _listed_method_test(text: str, read: str) -> str | None:
    """`['GET', 'POST'].indexOf(req.method) > -1`, `[...].includes(req.method)` (the node
    `http` server answer copied from a tutorial, lachydriver/steam2reddit): METHOD:GET,POST,
    or its negation."""
    found = _LISTED.fullmatch(text)
    if found is None or found.group(4) != read:
        return None
    negated, listed, call, comparison = found.group(1), found.group(2), found.group(3), found.group(5)
    written = re.findall(r"'([A-Za-z]+)'", listed)
    # the method as read is upper case (lower case after `.toLowerCase()`): other spellings
    # match nothing, and are left to the undecided tests
    spelled = str.islower if read.endswith(".toLowerCase()") else str.isupper
    methods = [name.upper() for name in written]
    if (
        not methods
        or not all(spelled(name) for name in written)
        or any(m not in _METHOD_NAMES for m in methods)
    ):
        return None
    if call == "includes":
        if comparison:
            return None
        holds = not negated
    else:
        if negated or not comparison:
            return None  # `!list.indexOf(m)` is true for the first entry alone
        holds = comparison in {">-1", "!==-1", "!=-1", ">=0"}
    return f"{'' if holds else '!'}METHOD:{','.join(dict.fromkeys(methods))}"


_REGEX_TEST = re.compile(r"(!?)/((?:[^/\\\n]|\\.)+)/([a-z]*)\.test\((.+)\)")


def _regex_method_test(text: str, read: str) -> str | None:
    """`/^options$/i.test(ctx.method)` (18022682515/server-demo `middleware/cors.js`): the
    browser methods the pattern matches; OPTIONS / !OPTIONS when it matches that one alone."""
    found = _REGEX_TEST.fullmatch(text)
    if found is None or found.group(4) != read or set(found.group(3)) - {"i", "u"}:
        return None
    try:
        pattern = re.compile(found.group(2), re.IGNORECASE if "i" in found.group(3) else 0)
    except re.error:
        return None
    matched = {name for name in _METHOD_NAMES if pattern.search(name)}
    if matched != {"OPTIONS"}:
        return None
    return "!OPTIONS" if found.group(1) else "OPTIONS"


def aliased_method_test(requests: tuple[str, ...], aliases: Mapping[str, str], text: str) -> str | None:
    """`method === 'OPTIONS'` where `method` was copied from the request (`const { method }
    = ctx.req`, SAEON/somisana `restrict-cors`): the test of the request's own method."""
    request = next((request for request in requests if request), None)
    if request is None:
        return None
    for local, source in aliases.items():
        if source == METHOD_READ and local in text:
            replaced = re.sub(rf"(?<![\w$.]){re.escape(local)}(?![\w$])", f"{request}.method", text)
            found = method_test((request,), replaced)
            if found is not None:
                return found
    return None


_METHOD_NAMES = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


def _compared_literal(text: str, read: str, operator: str) -> str | None:
    """The plain string `read` is compared with by `operator`, on either side."""
    for candidate in (text.removeprefix(f"{read}{operator}"), text.removesuffix(f"{operator}{read}")):
        if candidate != text and len(candidate) >= 2 and candidate[0] == candidate[-1] == "'":
            inner = candidate[1:-1]
            if inner.isalpha():
                return inner
    return None


def compared_path(module: JsModule, test: Node) -> str | None:
    """`url.pathname === CONFIG_PATH`: the path, where it resolves to one."""
    test = unwrap(test)
    if test.type != "binary_expression" or module.text(test.child_by_field_name("operator")) not in {
        "===",
        "==",
    }:
        return None
    for side in (test.child_by_field_name("right"), test.child_by_field_name("left")):
        value = module.resolve(side) if side is not None else None
        if value is not None and value.known and isinstance(value.raw, str) and value.raw.startswith("/"):
            return value.raw
    return None
