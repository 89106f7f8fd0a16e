"""Replaying an unchanged run: the `corslint` command's entry point.

A cached run of an unchanged tree still costs the interpreter's imports of everything a
run needs (argparse, pathlib, dataclasses, json, hashlib, corslint's own modules), about
70 ms, before it stats a file; on a 10k-file tree that is more than ripgrep's whole run.
So a run that the cache answered in full records what it read: every path, with the
stamp (size and modification time) it had when read, and the output it printed. The next
run with the same command line, in the same folder and the same environment, stats those
paths; if each stamp holds, it prints the recorded output and exits with the recorded
code, having imported nothing but this module. Anything else (a stamp that moved, a
record that is missing, damaged or made by another build) runs corslint in full.

What a record vouches for, and why:
- files (walked files, ignore files, configuration files, a cached outcome's inputs):
  size and mtime, as the cache compares them;
- folders: mtime, which changes whenever an entry is added, removed or renamed, so the
  folder's listing (and so the walk) is what it was;
- paths that were absent, or present, when looked for (`.git` marks a repository's top).
A run records only when nothing it read changed within 2 s before it started (a
timestamp can be that coarse) and no folder it walked holds a symlink (a link's target
can change without its folder). The record lives in the cache folder that a run
from this folder uses by default (`$CORSLINT_CACHE_DIR` or `./.corslint_cache`).

The record is binary: a header line, the key, the output, the paths (NUL-separated, as
the file system encodes them), and two arrays of 64-bit numbers. Nothing in it is ever
executed or unpickled.
"""

from __future__ import annotations

import os
import stat
import sys

TYPE_CHECKING = False  # typing itself takes 3 ms to import, more than a replay's other imports
if TYPE_CHECKING:
    from array import array

FORMAT = b"corslint-replay 1\n"
ABSENT = -1  # stamp size of a path that did not exist
FOLDER = -2  # a folder: only its mtime is compared
PRESENT = -3  # a path that existed, whatever it was
# file system timestamps can be this coarse (FAT: 2 s): a stamp this recent may hide a
# change. Here, the lightest module, so that the walk, the cache and a replay share it
RACY_NS = 2_000_000_000
KEEP = 16  # records kept in a cache folder
SPLIT_ABOVE = 4_000  # paths; at 9k, halves in two processes: 50 -> 44 ms
_NUMBER = 8  # bytes of an array("q") item


def record_folder() -> str:
    """Where a run started in this folder keeps its record."""
    return os.environ.get("CORSLINT_CACHE_DIR") or ".corslint_cache"


def run_key(argv: list[str]) -> bytes:
    """Everything outside the files that shapes a run's output."""
    from corslint import __version__

    streams = [
        (s.isatty(), s.encoding, s.errors) if s is not None else None for s in (sys.stdout, sys.stderr)
    ]
    parts = (__version__, sys.hexversion, sys.prefix, os.getcwd(), argv, streams, record_folder())
    return repr(parts).encode("utf-8", "surrogateescape")


def record_name(key: bytes) -> str:
    import zlib

    return f"replay-{zlib.crc32(key):08x}"


class RunInputs:
    """What one run read, and each path's stamp at the moment it was read."""

    def __init__(self, started_ns: int) -> None:
        from array import array

        self.started_ns = started_ns
        self.racy_after = started_ns - RACY_NS
        self.paths: list[str] = []
        self.sizes = array("q")
        self.mtimes = array("q")
        self.replayable = True

    def volatile(self) -> None:
        """Something was read that no stamp can vouch for: this run is not recorded."""
        self.replayable = False

    def file(self, path: str, size: int, mtime_ns: int) -> None:
        """A file read (or looked for: size ABSENT) at this stamp."""
        self.paths.append(path)
        self.sizes.append(size)
        self.mtimes.append(mtime_ns)

    def files(self, paths: list[str], sizes: array[int], mtimes: array[int]) -> None:
        self.paths.extend(paths)
        self.sizes.extend(sizes)
        self.mtimes.extend(mtimes)

    def folder(self, path: str, mtime_ns: int) -> None:
        self.file(path, FOLDER, mtime_ns)

    def exists(self, path: str, present: bool) -> None:
        self.file(path, PRESENT if present else ABSENT, 0)

    def looked_at(self, path: str) -> os.stat_result | None:
        """Stat `path` and note what was seen: a file's stamp, a folder's mtime, or nothing."""
        try:
            info = os.stat(path)
        except OSError:
            self.file(path, ABSENT, 0)
            return None
        if stat.S_ISREG(info.st_mode):
            self.file(path, info.st_size, info.st_mtime_ns)
        else:  # a folder, or stranger: whatever replaces it has a new mtime
            self.folder(path, info.st_mtime_ns)
        return info

    def extend(self, other: RunInputs) -> None:
        self.files(other.paths, other.sizes, other.mtimes)
        if not other.replayable:
            self.volatile()

    def settled(self) -> bool:
        """Whether every stamp is old enough that a change since would have moved it."""
        if not self.replayable:
            return False
        if self.mtimes and max(self.mtimes) > self.racy_after:  # changed within 2 s of the start
            self.volatile()
            return False
        return True


def own_sources(inputs: RunInputs) -> None:
    """corslint's own modules, this one first: another build never replays this one's
    output, and a record that does not vouch for this very file is not one of ours."""
    own = os.path.abspath(__file__)
    inputs.looked_at(own)
    package = os.path.dirname(own)
    for directory, folders, names in os.walk(package):
        folders.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            if name.endswith(".py") and path != own:
                inputs.looked_at(path)


def prune_records(folder: str, keep: int = KEEP) -> None:
    """Leave the `keep` most recently written records (pre-commit's runs name files, and
    each set of files is a command line of its own)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith("replay-")]
        if len(names) <= keep:
            return
        dated = sorted(names, key=lambda n: os.stat(os.path.join(folder, n)).st_mtime_ns)
        for name in dated[: len(names) - keep]:
            os.unlink(os.path.join(folder, name))
    except OSError:  # another run pruned them first
        pass


def encode_record(
    key: bytes, inputs: RunInputs, report: str, report_file: str | None, stderr: str, code: int
) -> bytes:
    """`report` went to `report_file` (`--output`), or to stdout when that is None."""
    target = os.fsencode(report_file) if report_file is not None else b""
    out = report.encode("utf-8", "surrogatepass")
    err = stderr.encode("utf-8", "surrogatepass")
    try:  # as os.fsencode would each path, in one call
        paths = "\0".join(inputs.paths).encode(sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())
    except (TypeError, UnicodeEncodeError):
        paths = b"\0".join(os.fsencode(p) for p in inputs.paths)
    lengths = (len(key), code, len(target), len(out), len(err), len(inputs.paths), len(paths))
    header = b" ".join(b"%d" % n for n in lengths) + b"\n"
    numbers = [inputs.sizes.tobytes(), inputs.mtimes.tobytes()]
    return b"".join([FORMAT, header, key, target, out, err, paths, *numbers])


class Record:
    """A decoded record (None from `decode_record` for anything damaged or foreign)."""

    __slots__ = ("code", "key", "mtimes", "paths", "report", "report_file", "sizes", "stderr")

    def __init__(
        self,
        key: bytes,
        code: int,
        report: tuple[bytes | None, str],
        stderr: str,
        paths: list[bytes],
        sizes: array[int],
        mtimes: array[int],
    ) -> None:
        self.key, self.code, self.stderr = key, code, stderr
        self.report_file, self.report = report
        self.paths, self.sizes, self.mtimes = paths, sizes, mtimes


def decode_record(data: bytes) -> Record | None:
    if not data.startswith(FORMAT):
        return None
    end = data.find(b"\n", len(FORMAT))
    try:
        key_length, code, target_length, out_length, err_length, count, paths_length = map(
            int, data[len(FORMAT) : end].split()
        )
    except ValueError:
        return None
    lengths = (key_length, target_length, out_length, err_length, count, paths_length)
    if end < 0 or min(lengths) < 0 or not 0 <= code <= 255:
        return None
    at = end + 1
    key = data[at : at + key_length]
    at += key_length
    target = data[at : at + target_length] or None
    at += target_length
    try:
        report = data[at : at + out_length].decode("utf-8", "surrogatepass")
        at += out_length
        stderr = data[at : at + err_length].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    at += err_length
    paths = data[at : at + paths_length].split(b"\0") if count else []
    at += paths_length
    if len(paths) != count or len(data) != at + 2 * count * _NUMBER:
        return None
    from array import array

    sizes, mtimes = array("q"), array("q")
    sizes.frombytes(data[at : at + count * _NUMBER])
    mtimes.frombytes(data[at + count * _NUMBER :])
    return Record(key, code, (target, report), stderr, paths, sizes, mtimes)


def unchanged(record: Record) -> bool:
    """Whether every path still has the stamp the record holds for it. A large record is
    checked in two halves, one in a forked child: stat is a system call, and most of a
    replay (2-3 µs a path), so the second core halves it."""
    count = len(record.paths)
    if count < SPLIT_ABOVE or not hasattr(os, "fork"):
        return _unchanged(record, 0, count)
    half = count // 2
    try:
        child = os.fork()
    except OSError:
        return _unchanged(record, 0, count)
    if child == 0:
        os._exit(0 if _unchanged(record, half, count) else 1)
    held = _unchanged(record, 0, half)
    if not held:
        import signal

        os.kill(child, signal.SIGKILL)
    _, status = os.waitpid(child, 0)
    return held and status == 0


def _unchanged(record: Record, start: int, end: int) -> bool:
    stat_path = os.stat
    paths, sizes, mtimes = record.paths[start:end], record.sizes[start:end], record.mtimes[start:end]
    for path, size, mtime in zip(paths, sizes, mtimes, strict=True):
        try:
            info = stat_path(path)
        except OSError:
            if size == ABSENT:
                continue
            return False
        if size >= 0:
            if info.st_size != size or info.st_mtime_ns != mtime:
                return False
        elif size == FOLDER:
            if info.st_mtime_ns != mtime:
                return False
        elif size != PRESENT:  # ABSENT, or a size no record writes
            return False
    return True


def _ours(record: Record) -> bool:
    """Whether the record vouches for this module's own stamp, as every recording run
    makes it do first: a record planted with no paths at all would otherwise always hold."""
    return (
        bool(record.paths)
        and record.sizes[0] >= 0
        and record.paths[0] == os.fsencode(os.path.abspath(__file__))
    )


def replay(argv: list[str]) -> int | None:
    """Print a recorded run's output and return its exit code; None when it does not hold."""
    try:
        key = run_key(argv)
        with open(os.path.join(record_folder(), record_name(key)), "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    record = decode_record(data)
    if record is None or record.key != key or not _ours(record) or not unchanged(record):
        return None
    if record.report_file is None:
        sys.stdout.write(record.report)
    else:
        try:  # as the run wrote it (Path.write_text)
            with open(record.report_file, "w", encoding="utf-8") as stream:
                stream.write(record.report)
        except OSError:  # let the run itself meet the error, and report it
            return None
    sys.stderr.write(record.stderr)
    return record.code


def entry() -> None:
    """The `corslint` command."""
    if sys.argv[1:2] not in (["explain"], ["rules"], ["simulate"], ["-h"], ["--help"], ["--version"]):
        code = replay(sys.argv[1:])
        if code is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    from corslint.cli import entry as run

    run()
