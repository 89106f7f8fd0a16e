"""`regex_example`: an origin a simple origin pattern admits, for the rules' probes where the
domain the pattern names is not itself admitted (a Netlify deploy-preview pattern)."""

from __future__ import annotations

import re

import pytest

from corslint.rules.regex_examples import regex_example


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"^https:\/\/[a-z0-9-]+--shop\.netlify\.app$", ["https://a--shop.netlify.app"]),
        (r"^https://[a-z0-9-]+\.vercel\.app$", ["https://a.vercel.app"]),
        (r"^https://api\.example\.com$", ["https://api.example.com"]),
        (r"^https://build-\d+\.example\.org$", ["https://build-1.example.org"]),
        # alternatives, optional parts and wildcards are left to the domain samples
        (r"^http:\/\/(localhost|192\.168\.\d{1,3}\.\d{1,3})(:\d+)?$", []),
        (r".*", []),
        (r"^[a-z]+$", []),
    ],
)
def test_regex_example(pattern: str, expected: list[str]) -> None:
    found = regex_example(pattern)
    assert found == expected
    assert all(re.search(pattern, origin) for origin in found)


def test_a_class_python_rejects_is_left_alone() -> None:
    """`[\\w\\d-\\.]`: JavaScript reads the `-` literally, Python's `re` refuses the range; the
    probe gives no example instead of failing the whole file (REGRESS9: CORS001 on census 3
    sample 116)."""
    assert regex_example(r"^https:\/\/([\w\d-\.]+\.)?shop-example\.com$") == []
