"""An origin a simple origin pattern admits, for the rules' probes where the domain the
pattern names is not itself admitted (`PolicyProbe.sample_origins`)."""

from __future__ import annotations

import re

_REPEATED = re.compile(r"(\[[^\]]*\]|\\[wd])([+*])")
_META = re.compile(r"[()\[\]{}|?*+\\]")


def regex_example(pattern: str) -> list[str]:
    """One origin a simple pattern matches (a repeated class filled with one character it
    admits, escapes undone), where the origin its domain names does not match it: a Netlify
    deploy-preview pattern `^https://[a-z0-9-]+--shop[.]netlify[.]app$` admits
    `https://a--shop.netlify.app` and never `https://shop.netlify.app`."""

    def one(found: re.Match[str]) -> str:
        for candidate in ("a", "1", "x"):
            if _admits(found.group(1), candidate):
                return candidate
        return found.group(0)

    text = _REPEATED.sub(one, pattern.strip("^$")).replace("\\.", ".").replace("\\/", "/").replace("\\-", "-")
    if _META.search(text) or not text.startswith(("https://", "http://")):
        return []
    try:
        return [text] if re.search(pattern, text) else []
    except re.error:
        return []


def _admits(character_class: str, candidate: str) -> bool:
    """Whether a class (`[a-z0-9-]`, `\\w`) admits `candidate`; False for a class Python's
    `re` rejects though JavaScript takes it (`[\\w\\d-\\.]`: JS reads the `-` literally)."""
    try:
        return re.fullmatch(character_class, candidate) is not None
    except re.error:
        return False
