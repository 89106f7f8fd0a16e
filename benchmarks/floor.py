"""The pure-Python floor: the least any Python prefilter of a tree must do, and nothing more.

    python benchmarks/floor.py TREE SUFFIXES LEFT_OUT   # ".py,.js,...", ".min.js,..." (corslint's)

It walks TREE with os.scandir (leaving out hidden folders and node_modules, and reading no
ignore file), then shares the files that end in one of SUFFIXES and in none of LEFT_OUT
(minified bundles) among the cores, each share read in a forked process: open, fstat, read, close, lower the bytes and search them for
one needle. It parses nothing, writes no cache and reports nothing, so it is a lower bound
for corslint's cold run on the same tree (corslint searches for two needles, honours
.gitignore, parses and judges the files that hold CORS configuration, and writes its
cache). The benchmark runs it with the interpreter that runs corslint, site included, as a
console script starts.
"""

from __future__ import annotations

import os
import sys

LARGEST = 5_000_000  # corslint's default max-file-size: larger files are not read whole


def walk(folder: str, suffixes: tuple[str, ...], left_out: tuple[str, ...], found: list[str]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith(".") and entry.name != "node_modules":
                    walk(entry.path, suffixes, left_out, found)
            elif entry.name.endswith(suffixes) and not entry.name.endswith(left_out):
                found.append(entry.path)


def search(files: list[str], needle: bytes) -> int:
    hits = 0
    for file in files:
        descriptor = os.open(file, os.O_RDONLY)
        try:
            size = os.fstat(descriptor).st_size
            if size <= LARGEST and needle in os.read(descriptor, size + 1).lower():
                hits += 1
        finally:
            os.close(descriptor)
    return hits


def main() -> None:
    tree, suffixes, left_out = sys.argv[1], tuple(sys.argv[2].split(",")), tuple(sys.argv[3].split(","))
    files: list[str] = []
    walk(tree, suffixes, left_out, files)
    workers = os.cpu_count() or 1
    children = []
    for part in range(workers):
        pid = os.fork()
        if pid == 0:
            search(files[part::workers], b"cors")
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
