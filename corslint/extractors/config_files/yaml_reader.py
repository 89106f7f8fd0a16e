"""YAML with positions, read with ``yaml.compose`` on ``SafeLoader`` (no tags beyond the
safe ones, no objects) and a bound on alias expansion."""

from __future__ import annotations

from typing import Any

from corslint.extractors.config_files.list_limit import TOO_LONG
from corslint.model import Location, Provenance, SourceError, Value

MAX_YAML_NODES = 20_000
SAFE_COLLECTION_TAGS = frozenset(
    {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:set"}
)


def read_yaml(path: str, text: str) -> Value | None:
    import yaml

    from corslint.extractors.config_files.yaml_lists import BoundedLoader, is_truncated

    loader = BoundedLoader(text)
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SourceError(f"invalid YAML: {getattr(error, 'problem', None) or error}", line, column) from None
    finally:
        loader.dispose()
    if not documents:
        return None
    budget = [MAX_YAML_NODES]

    def convert(node: Any, depth: int) -> Value:
        budget[0] -= 1
        if budget[0] < 0 or depth > 200:
            raise SourceError(
                "YAML alias expansion or nesting too large to analyse (a possible alias bomb)",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        location = Location(
            path,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            node.end_mark.line + 1,
            node.end_mark.column + 1,
        )
        if is_truncated(node):  # a list past MAX_LIST_ENTRIES: undetermined, said so (CORS305)
            return Value(None, location, Provenance.UNKNOWN, description=TOO_LONG)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in SAFE_COLLECTION_TAGS:
            raise SourceError(
                f"YAML tag {node.tag} is not allowed by safe loading", location.line, location.column
            )
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, Value] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = convert(value_node, depth + 1)
                    for part in merged.raw if isinstance(merged.raw, tuple) else (merged,):
                        if isinstance(part.raw, dict):
                            for key, item in part.raw.items():
                                entries.setdefault(key, item)
                    continue
                key = convert(key_node, depth + 1)
                entries[str(key.raw)] = convert(value_node, depth + 1)
            return Value(entries, location, Provenance.CONFIG_FILE)
        if isinstance(node, yaml.SequenceNode):
            return Value(
                tuple(convert(item, depth + 1) for item in node.value), location, Provenance.CONFIG_FILE
            )
        constructor = yaml.SafeLoader("")
        try:
            raw = constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise SourceError(f"invalid YAML value: {error}", location.line, location.column) from None
        finally:
            constructor.dispose()
        if not isinstance(raw, (str, int, float, bool)) and raw is not None:
            raw = str(raw)  # timestamps, binary: nothing CORS reads
        return Value(raw, location, Provenance.CONFIG_FILE)

    return convert(documents[0], 0)
