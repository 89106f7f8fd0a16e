"""A YAML composer that stops building a sequence's nodes at `MAX_LIST_ENTRIES`.

PyYAML composes every node of a document before the reader sees one (a node and two marks
per entry); past the limit, a sequence's entries are read as events and dropped, and the
sequence is marked `truncated` for the reader to report (see `list_limit`)."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, SequenceEndEvent
from yaml.nodes import Node, ScalarNode, SequenceNode

from corslint.extractors.config_files.list_limit import MAX_LIST_ENTRIES


def is_truncated(node: Node) -> bool:
    """Whether the node stands for entries the composer did not keep."""
    return bool(getattr(node, "truncated", False))


class BoundedLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` whose sequences keep at most `MAX_LIST_ENTRIES` entries."""

    def compose_sequence_node(self, anchor: Any) -> SequenceNode:
        composer: Any = self  # PyYAML's composer methods carry no types
        start_event = composer.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = composer.resolve(SequenceNode, None, start_event.implicit)
        node = SequenceNode(tag, [], start_event.start_mark, None, flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        index = 0
        while not self.check_event(SequenceEndEvent):
            if index < MAX_LIST_ENTRIES:
                node.value.append(self.compose_node(node, index))
            else:
                node.truncated = True  # type: ignore[attr-defined]
                self._drop_node()
            index += 1
        node.end_mark = composer.get_event().end_mark
        return node

    def _drop_node(self) -> None:
        """Read one node's events and keep nothing; an anchor defined there still
        resolves, to a node that reads as not determined."""
        composer: Any = self
        depth = 0
        while True:
            event = composer.get_event()
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, AliasEvent):
                dropped = ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
                dropped.truncated = True  # type: ignore[attr-defined]
                self.anchors[anchor] = dropped
            if isinstance(event, CollectionStartEvent):
                depth += 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            if depth == 0:
                return
