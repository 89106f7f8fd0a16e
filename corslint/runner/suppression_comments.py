"""`--add-noqa`: write a `corslint: ignore[...]` comment on the line of every finding, as
ruff's `--add-noqa` writes `# noqa`, so that a legacy codebase can adopt the gate and fix
its findings one by one. A comment already on the line gains the new ids.

A line where a comment would change the code is left alone and named: JSON has no
comments, and in Python a line that continues with a backslash or ends inside a
multi-line string would take the comment into the code."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corslint.findings import Finding

# CORS001 cannot be suppressed on a line (the whole file was unreadable), CORS002 lives
# in the settings, and CORS004 is about suppression comments themselves
NOT_SUPPRESSIBLE = frozenset({"CORS001", "CORS002", "CORS004"})
HASH_COMMENTS = (".py", ".pyi", ".yaml", ".yml", ".toml")
SLASH_COMMENTS = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")
_EXISTING = re.compile(r"corslint:\s*ignore\[([A-Za-z0-9_,\s]*)\]")
_BARE = re.compile(r"corslint:\s*ignore(?!\[)")
# an f-string is several tokens from Python 3.12 on; its text parts are FSTRING_MIDDLE
_STRING_TOKENS = frozenset({tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)})


@dataclass(frozen=True)
class AddedComments:
    """What `--add-noqa` did: comments written (by file), and lines it had to leave."""

    written: dict[str, int]
    left: tuple[str, ...]  # "path:line: why"


def add_suppression_comments(findings: Iterable[Finding]) -> AddedComments:
    by_file: dict[str, dict[int, set[str]]] = {}
    for finding in findings:
        if finding.rule_id in NOT_SUPPRESSIBLE:
            continue
        lines = by_file.setdefault(finding.location.path, {})
        lines.setdefault(finding.location.line, set()).add(finding.rule_id)
    written: dict[str, int] = {}
    left: list[str] = []
    for path, wanted in sorted(by_file.items()):
        count = _add_to_file(path, wanted, left)
        if count:
            written[path] = count
    return AddedComments(written, tuple(left))


def _add_to_file(path: str, wanted: dict[int, set[str]], left: list[str]) -> int:
    if path.endswith(HASH_COMMENTS):
        marker = "#"
    elif path.endswith(SLASH_COMMENTS):
        marker = "//"
    else:
        left.extend(f"{path}:{line}: this kind of file has no comments" for line in sorted(wanted))
        return 0
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        left.extend(f"{path}:{line}: cannot rewrite the file: {error}" for line in sorted(wanted))
        return 0
    lines = text.splitlines(keepends=True)
    unsafe = _lines_ending_in_strings(text) if path.endswith((".py", ".pyi")) else set()
    count = 0
    for number, ids in sorted(wanted.items()):
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if _BARE.search(body):
            continue  # already suppresses every rule on it
        existing = _EXISTING.search(body)
        if existing is not None:
            named = [i.strip().upper() for i in existing.group(1).split(",") if i.strip()]
            merged = ", ".join([*named, *sorted(ids - set(named))])
            body = f"{body[: existing.start(1)]}{merged}{body[existing.end(1) :]}"
        elif number in unsafe or body.rstrip().endswith("\\"):
            left.append(f"{path}:{number}: a comment here would fall inside a string or a continued line")
            continue
        else:
            body = f"{body}  {marker} corslint: ignore[{', '.join(sorted(ids))}]"
        lines[number - 1] = body + ending
        count += 1
    if count:
        Path(path).write_bytes("".join(lines).encode("utf-8"))
    return count


def _lines_ending_in_strings(source: str) -> set[int]:
    """Lines of Python source whose end lies inside a string (a triple-quoted one that
    goes on): a comment put there would become part of the string."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _STRING_TOKENS and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, source.count("\n") + 2))  # cannot tell: touch nothing
    return inside
