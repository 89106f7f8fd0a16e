"""The cyclic garbage collector in a worker process.

Parsers leave cycles behind, so the collector runs in a worker, but never over what
lives as long as the worker:

- the heap inherited from the supervisor, frozen as the worker starts (the supervisor ran
  with the collector off, and all it made sat in the youngest generation);
- what the readers' imports made (some 400 modules' functions, classes and constants),
  frozen after the file they were imported for, with what that file left: the young
  collections that followed walked it, and walked it again as it aged. On the real tree,
  by turns: 0.10-0.14 -> 0.05 s of collections a run (both workers), for 4-6 MB more in
  the largest process (95 -> 101 MB at most; that garbage is never freed); no change at
  100k realistic files, where few files are parsed.

Young collections come every `COLLECT_EVERY` allocations rather than 700: at 100k files
a worker made 50-56 collections (28-31 ms), at 20,000 1-2 (6-8 ms). 20,000 made 26-27 young
and 2 middle collections over the real tree's 374 parsed files (0.25-0.32 s, the middle
ones walking every young survivor); 50,000 makes 9 young ones (0.16 s), and the largest
process stays where it was (117 MB in one process).
"""

from __future__ import annotations

import gc
import sys

COLLECT_EVERY = 50_000
_imported = [0]  # modules imported when the collector last froze what lives on


def start() -> None:
    """The collector of a worker that has just started."""
    gc.freeze()
    gc.set_threshold(COLLECT_EVERY, 10, 10)
    gc.enable()
    _imported[0] = len(sys.modules)


def after_extraction() -> None:
    """After a file's extraction: if it imported readers, what they made is frozen."""
    if len(sys.modules) != _imported[0]:
        _imported[0] = len(sys.modules)
        gc.freeze()
