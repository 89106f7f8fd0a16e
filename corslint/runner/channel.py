"""Messages over pipes: how the parent talks to its forked workers and stat helper.

A message is its length (8 bytes, little-endian) and then its bytes; a `Channel` sends
pickled objects that way over two pipes, one each way. `multiprocessing.connection`
did the same over a socket pair, but importing it (with socket, selectors, tempfile and
subprocess) cost every run that forks a worker 10-15 ms, before the first fork: the
part of a cold run that no other core can share.
"""

from __future__ import annotations

import contextlib
import os
import select
from collections.abc import Sequence
from typing import Any

_HEADER = 8  # bytes of a message's length


def read_exactly(descriptor: int, count: int) -> bytes:
    """`count` bytes, or fewer only at the end of the stream."""
    parts = []
    while count:
        part = os.read(descriptor, count)
        if not part:
            break
        parts.append(part)
        count -= len(part)
    return b"".join(parts)


def write_all(descriptor: int, data: bytes | memoryview) -> None:
    """All of `data`, however many writes the pipe takes (a blocking descriptor)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


class Channel:
    """One end of a two-way link between two processes."""

    def __init__(self, reading: int, writing: int) -> None:
        self._reading = reading
        self._writing = writing

    def fileno(self) -> int:
        """The descriptor to wait on for the next message."""
        return self._reading

    def send(self, message: Any) -> None:
        import pickle  # here: a cached run's stat helper sends bytes, and never loads it

        body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        write_all(self._writing, len(body).to_bytes(_HEADER, "little") + body)

    def recv(self) -> Any:
        """The next message; EOFError once the other end is closed (or its process gone)."""
        header = read_exactly(self._reading, _HEADER)
        size = int.from_bytes(header, "little")
        body = read_exactly(self._reading, size) if len(header) == _HEADER else b""
        if len(header) < _HEADER or len(body) < size:
            raise EOFError("the other end of the channel is closed")
        import pickle

        return pickle.loads(body)

    def close(self) -> None:
        for descriptor in (self._reading, self._writing):
            if descriptor >= 0:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._reading = self._writing = -1


def channel_pair() -> tuple[Channel, Channel]:
    """Two connected ends: what one sends, the other receives."""
    here_reads, there_writes = os.pipe()
    there_reads, here_writes = os.pipe()
    return Channel(here_reads, here_writes), Channel(there_reads, there_writes)


def ready(channels: Sequence[Channel], timeout: float | None) -> list[Channel]:
    """The channels with a message or an end waiting, within `timeout` seconds (None: wait)."""
    poll = select.poll()
    for channel in channels:
        poll.register(channel.fileno(), select.POLLIN)
    events = poll.poll(None if timeout is None else max(0, int(timeout * 1000 + 0.999)))
    waiting = {descriptor for descriptor, _ in events}
    return [channel for channel in channels if channel.fileno() in waiting]
