"""JavaScript character-class ranges Python's `re` refuses: outside unicode mode (Annex B of
ECMA-262) `[\\w-\\.]` or `[a-\\d]`, a range with a class escape at one end, is read as the
escape, a literal `-` and the other atom. `/^(https?:\\/\\/)?(([\\w\\d-\\.]*)?\\.)?071.kr/`
(0xTeoo/polinote `apps/api/src/main.ts`, a NestJS origin callback) runs in Node; Python
raises "bad character range"."""

from __future__ import annotations

_CLASS_ESCAPES = frozenset("dDwWsS")


def literal_class_dashes(pattern: str) -> str:
    """`pattern` with each such `-` escaped, so that Python reads the class as Node does."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            atom = pattern[i : i + 2]
            out.append(atom)
            i += 2
            dash_follows = pattern[i : i + 1] == "-" and pattern[i + 1 : i + 2] not in {"]", ""}
            if in_class and atom[1] in _CLASS_ESCAPES and dash_follows:
                out.append("\\-")  # `\w-x`: no range
                i += 1
            continue
        escape_follows = pattern[i + 1 : i + 2] == "\\" and pattern[i + 2 : i + 3] in _CLASS_ESCAPES
        if in_class and char == "-" and escape_follows and out and out[-1] not in {"[", "[^"}:
            out.append("\\-")  # `a-\d`: no range
            i += 1
            continue
        if char == "[" and not in_class:
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)
