"""The django-cors-headers setting a misnamed `CORS_*` name means when spelling alone
does not tell: `CORS_ORIGIN_ALLOW_HEADER` reads closest, letter by letter, to
`CORS_ORIGIN_ALLOW_ALL`, yet it holds header names and every word of `CORS_ALLOW_HEADERS`
is in it. A real setting is suggested when all its words are in the name (singular or
plural, `ALLOWED` or `ALLOW`), the name's other words are CORS vocabulary too (a project's
own `CORS_ALLOWED_ORIGINS_PROD` is left alone), and no other setting fits as well."""

from __future__ import annotations

from collections.abc import Iterable

# words that name what django-cors-headers configures: a name made only of these (and
# of one setting's words) is an attempt at that setting, not a project's own constant
_VOCABULARY = frozenset(
    {
        "ALLOW",
        "ALL",
        "ORIGIN",
        "HEADER",
        "METHOD",
        "CREDENTIAL",
        "EXPOSE",
        "EXPOSED",
        "WHITELIST",
        "ALLOWLIST",
        "REGEX",
        "URL",
        "MAX",
        "AGE",
        "PREFLIGHT",
        "PRIVATE",
        "NETWORK",
    }
)


_SAME = {"ALLOWED": "ALLOW", "EXPOSED": "EXPOSE"}


def _words(name: str) -> frozenset[str]:
    found: set[str] = set()
    for word in name.upper().removeprefix("CORS_").split("_"):
        if not word:
            continue
        word = _SAME.get(word, word)
        found.add(word[:-1] if word.endswith("S") and len(word) > 3 else word)
    return frozenset(found)


def setting_by_words(name: str, settings: Iterable[str]) -> str | None:
    """The one setting whose words the name holds, or None. Among settings that fit as
    well, the one holding the name's last word wins: that word says what the setting
    holds (`..._HEADER`: headers, not origins)."""
    words = _words(name)
    if not words <= _VOCABULARY:
        return None
    last = _words(name.rsplit("_", 1)[-1])
    fits = sorted(
        (
            (len(_words(s)), bool(last & _words(s)), s)
            for s in settings
            if len(_words(s)) >= 2 and _words(s) <= words
        ),
        reverse=True,
    )
    if not fits:
        return None
    if len(fits) > 1 and fits[0][:2] == fits[1][:2]:
        return None  # two settings fit as well: no guess
    return fits[0][2]
