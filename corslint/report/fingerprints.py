"""Identities of findings that outlive line shifts: GitHub's `primaryLocationLineHash`,
computed as GitHub's upload action computes it, and corslint's own fingerprint, which
the SARIF report and the baseline share."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from corslint.findings import Finding

# github/codeql-action src/fingerprints.ts: a rolling hash over the first BLOCK_SIZE
# characters (UTF-16 code units) from the start of each line, spaces and tabs left out,
# line endings made "\n", an end-of-file mark (65535) and zeros after it; 64-bit
# arithmetic that wraps (the `long` package's signed Long, printed unsigned in hex)
BLOCK_SIZE = 100
MODULUS = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(MODULUS, BLOCK_SIZE, 1 << 64)
_SPACE, _TAB, _LF, _CR, _EOF = 32, 9, 10, 13, 65535
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"  # code units in native order


def line_hashes(text: str, up_to: int | None = None) -> list[str]:
    """Each line's `primaryLocationLineHash` (index 0: line 1), as `hash:occurrence`; with
    `up_to`, those of the first `up_to` lines at least (the hash reads 100 characters
    ahead, and a Python loop over a 5 MB file would take seconds)."""
    window = [0] * BLOCK_SIZE
    line_numbers = [-1] * BLOCK_SIZE
    hashed: list[str] = []
    counts: dict[str, int] = {}
    raw = 0
    index = 0
    line_number = 0
    line_start = True
    previous_cr = False

    def output() -> None:
        value = format(raw, "x")
        counts[value] = counts.get(value, 0) + 1
        hashed.append(f"{value}:{counts[value]}")  # lines come out in order, one each
        line_numbers[index] = -1

    def process(current: int) -> None:
        nonlocal raw, index, line_number, line_start, previous_cr
        if current in (_SPACE, _TAB) or (previous_cr and current == _LF):
            previous_cr = False
            return
        if current == _CR:
            current = _LF
            previous_cr = True
        else:
            previous_cr = False
        if line_numbers[index] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        begin = window[index]
        window[index] = current
        raw = (MODULUS * raw + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % BLOCK_SIZE

    encoded = text.encode(_UTF16, errors="surrogatepass")
    for unit in memoryview(encoded).cast("H"):
        process(unit)
        if up_to is not None and len(hashed) >= up_to:
            return hashed
    process(_EOF)
    for _ in range(BLOCK_SIZE):
        if line_numbers[index] != -1:
            output()
        begin = window[index]
        window[index] = 0
        raw = (MODULUS * raw - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % BLOCK_SIZE
    return hashed


class SourceFiles:
    """The files findings point into, each read once (as GitHub's action reads them: UTF-8,
    an invalid byte as U+FFFD)."""

    def __init__(self) -> None:
        self._texts: dict[str, str | None] = {}
        self._hashes: dict[str, list[str]] = {}
        self._complete: set[str] = set()  # files hashed to their last line

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def line(self, path: str, number: int) -> str:
        text = self.text(path)
        lines = text.splitlines() if text is not None else []
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    def line_hash(self, path: str, number: int) -> str | None:
        """GitHub's hash of a line, or None for a file that cannot be read."""
        hashes = self._hashes.get(path)
        if hashes is None or (len(hashes) < number and path not in self._complete):
            text = self.text(path)
            if text is None:
                return None
            wanted = max(number, 2 * len(hashes or ()))
            hashes = self._hashes[path] = line_hashes(text, wanted)
            if len(hashes) < wanted:  # the hash stopped early only once it had `wanted` lines
                self._complete.add(path)
        return hashes[number - 1] if 1 <= number <= len(hashes) else None


# places a message names by line, which move with the code and are no part of its meaning
_LINE_MENTIONS = re.compile(r"\b(lines?) \d+(?:\s*(?:-|to|and)\s*\d+)?|:\d+:\d+\b")


def stable_fingerprints(
    findings: Iterable[Finding], shown_as: dict[str, str], sources: SourceFiles
) -> list[str]:
    """corslint's fingerprint of each finding: its rule, its file (as `shown_as` names it:
    relative to the repository's top, so that it does not change with the working
    folder), the text of its line without spacing, and its message without the line
    numbers it mentions, numbered among findings that share all of these. A finding that
    moves keeps it; one whose meaning (rule, option text, message) changes does not."""
    seen: dict[str, int] = {}
    fingerprints = []
    for finding in findings:
        path = finding.location.path
        line_text = "".join(sources.line(path, finding.location.line).split())
        message = _LINE_MENTIONS.sub(r"\1 N", finding.message)
        shown = shown_as.get(path, path)
        if path != shown and path.endswith("/" + shown):  # other files it names, named alike
            message = message.replace(path[: -len(shown)], "")
        material = "\0".join([finding.rule_id, shown, line_text, message])
        seen[material] = seen.get(material, 0) + 1
        digest = hashlib.sha256(f"{material}\0{seen[material]}".encode()).hexdigest()
        fingerprints.append(digest[:32])
    return fingerprints
