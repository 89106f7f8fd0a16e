"""Two versions of corslint on one tree, run by turns: what a change did, on a shared host.

    .venv/bin/python benchmarks/ab.py BEFORE_SOURCE TREE [TREE ...] [--runs 3] [--after AFTER_SOURCE]

BEFORE_SOURCE is a folder holding a `corslint` package (a copy of the code before the
change, e.g. `git archive HEAD corslint | tar -x -C /tmp/before`); the other version is the
one this interpreter imports, or the package in `--after FOLDER` (in a checkout that others
edit too: HEAD with only your own files copied over, so that the rounds measure your change
alone). Each round runs `rg -l -i cors`, then corslint cold (`--no-cache`)
from BEFORE_SOURCE, then from here, so that the load other work puts on the machine
weighs on both alike: wall times still drift with it, CPU seconds (user + system, every
process) and peak RSS much less. Medians of the rounds are printed, and the ratio of the
two versions' CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Measure, measure

COMMAND = [
    "-m",
    "corslint",
    "check",
    "--no-cache",
    "--exit-zero",
    "--format",
    "json",
    "--output",
    os.devnull,
    ".",
]


def _corslint(tree: Path, source: str | None) -> Measure:
    """One cold run, importing corslint from `source` (None: as this interpreter does)."""
    saved = os.environ.get("PYTHONPATH")
    if source is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = source
    try:
        return measure([sys.executable, *COMMAND], tree)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _line(label: str, runs: list[Measure]) -> str:
    return (
        f"{label:<7} wall {statistics.median(m.seconds for m in runs):6.2f} s"
        f"  CPU {statistics.median(m.cpu_seconds for m in runs):6.2f} s"
        f"  largest process {max(m.max_rss_mb for m in runs):4.0f} MB"
        f"  all processes {max(m.sum_rss_mb for m in runs):4.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", help="folder holding the corslint package to compare with")
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--after", help="folder holding the corslint package measured after (default: as imported)"
    )
    arguments = parser.parse_args()
    before_source = os.path.abspath(arguments.before)
    after_source = os.path.abspath(arguments.after) if arguments.after else None
    for tree in arguments.trees:
        rounds: dict[str, list[Measure]] = {"rg": [], "before": [], "after": []}
        for _ in range(arguments.runs):
            rounds["rg"].append(measure(["rg", "-l", "-i", "cors"], tree))
            rounds["before"].append(_corslint(tree, before_source))
            rounds["after"].append(_corslint(tree, after_source))
        print(f"{tree}  (load average {os.getloadavg()[0]:.1f}, medians of {arguments.runs})")
        for label, runs in rounds.items():
            print("  " + _line(label, runs))
        before_cpu = statistics.median(m.cpu_seconds for m in rounds["before"])
        after_cpu = statistics.median(m.cpu_seconds for m in rounds["after"])
        print(f"  CPU after / before: {after_cpu / before_cpu:.2f}")
        if rounds["rg"][0].exit_code in (0, 1):  # rg ran: each round's ratio, as the load drifts
            for label in ("before", "after"):
                ratios = [m.seconds / g.seconds for m, g in zip(rounds[label], rounds["rg"], strict=True)]
                print(
                    f"  {label} / rg, round by round: "
                    + " ".join(f"{r:.1f}x" for r in ratios)
                    + f"  (median {statistics.median(ratios):.1f}x)"
                )


if __name__ == "__main__":
    main()
