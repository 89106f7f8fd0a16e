"""Byte tests the prefilter asks before a node_frameworks extractor parses a file: cheap,
and importing nothing but this module."""


def names_moleculer_web(name: str, lowered: bytes) -> bool:
    """A moleculer-web gateway's `cors` settings sit in a module that names the package;
    the prefilter has already found `cors` in it."""
    return b"moleculer-web" in lowered
