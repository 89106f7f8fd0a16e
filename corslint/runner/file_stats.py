"""Each walked file's size and change stamp (its mtime and ctime, see
`ignore_files.change_stamp`), which the cache compares with its own.

A run with a cache does little but this: every file is stat-ed, and on the hosts we
measured one stat costs 2-3 µs of system time, most of the run. Threads do not help (the
GIL serialises the work around each call), and a process forked once the walk has filled
the heap pays as much again in copy-on-write faults. So a helper process is forked before
the walk begins, while the heap is small, and the walk hands it chunks of file paths
through a pipe as it goes: the helper stats them while the walk carries on. Once the
walk is done, the parent stats the chunks the helper was too busy to take, from the
front, and offers the helper more from the back whenever the pipe has room. The helper
reads one message at a time, so what it has not started stays in the pipe, where the
parent can see it. Without a helper (a small tree, or no `fork`), all is stat-ed here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from array import array
from collections import deque
from collections.abc import Iterable, MutableSequence, Sequence

from corslint.runner.channel import read_exactly, write_all
from corslint.runner.discovery import Candidate
from corslint.runner.ignore_files import MIX, RACY, RACY_NS, STAMP_BITS

GONE = -1  # size of a file gone since the walk listed it, or not a regular file: left out
UNREADABLE = -2  # size of a file that could not be stat-ed otherwise: read, so that it is reported
CHUNK = 512  # paths per message to the helper: under the pipe's 64 KiB, so it rarely waits
GONE_ERRORS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})
_LENGTH = 4  # bytes of each message's length prefix
_ENCODING = sys.getfilesystemencoding()
_ERRORS = sys.getfilesystemencodeerrors()


def stamp_into(
    paths: Iterable[str | bytes], sizes: MutableSequence[int], mtimes: MutableSequence[int]
) -> None:
    """Append each path's size and change stamp (`ignore_files.change_stamp`; GONE or
    UNREADABLE, and 0, where there are none)."""
    stat_path = os.stat
    is_file = stat.S_ISREG
    add_size = sizes.append
    add_mtime = mtimes.append
    racy_after = time.time_ns() - RACY_NS
    for path in paths:
        try:
            info = stat_path(path)
        except OSError as error:
            add_size(GONE if error.errno in GONE_ERRORS else UNREADABLE)
            add_mtime(0)
            continue
        if is_file(info.st_mode):  # FIFOs and devices would block or never end
            add_size(info.st_size)
            mtime = info.st_mtime_ns  # change_stamp, inlined: this loop is most of a cached run
            add_mtime(RACY if mtime > racy_after else (mtime * MIX + info.st_ctime_ns) & STAMP_BITS)
        else:
            add_size(GONE)
            add_mtime(0)


class FileStats:
    """Collects a walk's candidates, then gives their stamps, by index."""

    def __init__(self, helper: bool) -> None:
        self._pid: int | None = None
        self._to_helper = self._from_helper = -1
        self._pending = b""  # what the pipe did not take yet of the last message
        self._sent: list[tuple[int, int]] = []  # chunks (start, end) the helper has, in order
        self._kept: list[tuple[int, int]] = []  # chunks the walk left to this process
        if helper and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        to_helper = from_helper = (-1, -1)
        try:
            to_helper = os.pipe()
            from_helper = os.pipe()
            pid = os.fork()
        except OSError:
            for descriptor in (*to_helper, *from_helper):
                if descriptor >= 0:
                    os.close(descriptor)
            return
        if pid == 0:  # the helper
            status = 1
            try:
                os.close(to_helper[1])
                os.close(from_helper[0])
                _serve(to_helper[0], from_helper[1])
                status = 0
            finally:
                os._exit(status)
        os.close(to_helper[0])
        os.close(from_helper[1])
        self._pid = pid
        self._to_helper, self._from_helper = to_helper[1], from_helper[0]
        os.set_blocking(self._to_helper, False)  # the walk never waits for the helper

    def collect(self, walk: Iterable[list[Candidate]]) -> list[Candidate]:
        """Every candidate of the walk (a folder's files at a time), in order; chunks go
        to the helper as they fill."""
        candidates: list[Candidate] = []
        start = 0
        for group in walk:
            candidates.extend(group)
            while len(candidates) - start >= CHUNK:
                self._hand_out(candidates, start, start + CHUNK)
                start += CHUNK
        if len(candidates) > start:
            self._hand_out(candidates, start, len(candidates))
        return candidates

    def _hand_out(self, candidates: Sequence[Candidate], start: int, end: int) -> None:
        if not self._offer(candidates, start, end):
            self._kept.append((start, end))

    def _offer(self, candidates: Sequence[Candidate], start: int, end: int) -> bool:
        """Whether the helper takes a chunk: only when it has taken all it was sent."""
        if self._pid is None or not self._flush():
            return False
        body = "\0".join([c.file for c in candidates[start:end]]).encode(_ENCODING, _ERRORS)
        self._pending = len(body).to_bytes(_LENGTH, "little") + body
        self._sent.append((start, end))
        self._flush()
        return True

    def _flush(self) -> bool:
        """Write what the pipe takes of the pending message; whether none is left."""
        if self._pending:
            try:
                written = os.write(self._to_helper, self._pending)
            except BlockingIOError:
                return False
            except OSError:  # the helper is gone: the reply will be short, and checked
                written = len(self._pending)
            self._pending = self._pending[written:]
        return not self._pending

    def stamps(self, candidates: Sequence[Candidate]) -> tuple[array[int], array[int]]:
        """Sizes and mtimes of `candidates` (as `collect` returned them), by index, as
        64-bit integers: packed, they compare with the cache's records as they are stored."""
        count = len(candidates)
        if not self._sent and not self._kept and count:  # not collected here
            self._kept.append((0, count))
        sizes = array("q", bytes(8 * count))
        mtimes = array("q", bytes(8 * count))
        kept = deque(self._kept)
        while kept:
            # the walk was quicker than the helper: this process takes chunks from the front
            # of what is left, and the helper from the back whenever it has room for one
            while len(kept) > 1 and self._offer(candidates, *kept[-1]):
                kept.pop()
            start, end = kept.popleft()
            self._stamp_here(candidates, start, end, sizes, mtimes)
        if self._pid is not None:
            self._finish_sending()
            self._take_reply(candidates, sizes, mtimes)
        return sizes, mtimes

    def close(self) -> None:
        """Let a helper go without its answer (`stamps` was never reached): it then reads
        the end of its requests, fails to reply, and exits."""
        if self._pid is None:
            return
        for descriptor in (self._to_helper, self._from_helper):
            if descriptor >= 0:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._to_helper = self._from_helper = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        self._pid = None

    def _finish_sending(self) -> None:
        try:
            os.set_blocking(self._to_helper, True)
            write_all(self._to_helper, self._pending)
        except OSError:
            pass  # the helper is gone: its reply will be short, and checked
        self._pending = b""
        os.close(self._to_helper)
        self._to_helper = -1

    def _take_reply(self, candidates: Sequence[Candidate], sizes: array[int], mtimes: array[int]) -> None:
        parts = []
        try:
            while part := os.read(self._from_helper, 1 << 20):
                parts.append(part)
        except OSError:
            parts = []
        os.close(self._from_helper)
        self._from_helper = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid or 0, 0)
        self._pid = None
        helped = self._sent
        total = sum(end - start for start, end in helped)
        reply = b"".join(parts)
        if len(reply) != 2 * 8 * total:  # the helper failed: its chunks are stat-ed here
            for start, end in helped:
                self._stamp_here(candidates, start, end, sizes, mtimes)
            return
        numbers = array("q")
        numbers.frombytes(reply)
        at = 0
        for start, end in helped:
            sizes[start:end] = numbers[at : at + end - start]
            mtimes[start:end] = numbers[total + at : total + at + end - start]
            at += end - start

    @staticmethod
    def _stamp_here(
        candidates: Sequence[Candidate], start: int, end: int, sizes: array[int], mtimes: array[int]
    ) -> None:
        own_sizes = array("q")
        own_mtimes = array("q")
        stamp_into([c.file for c in candidates[start:end]], own_sizes, own_mtimes)
        sizes[start:end] = own_sizes
        mtimes[start:end] = own_mtimes


def _serve(requests: int, replies: int) -> None:
    """The helper: stat each message's paths until the parent closes its end, then send
    every size, then every mtime, as 64-bit integers. It reads one message at a time, so
    that what it has not started waits in the pipe, where the parent can see it."""
    sizes = array("q")
    mtimes = array("q")
    while header := read_exactly(requests, _LENGTH):
        body = read_exactly(requests, int.from_bytes(header, "little"))
        stamp_into(body.split(b"\0"), sizes, mtimes)
    write_all(replies, sizes.tobytes() + mtimes.tobytes())
