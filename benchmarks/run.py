"""The benchmark, in one command:

    .venv/bin/python benchmarks/run.py                 # both series, 10k, 30k and 100k files
    .venv/bin/python benchmarks/run.py --sizes 10000   # one size
    .venv/bin/python benchmarks/run.py --series realistic
    .venv/bin/python benchmarks/run.py --tree ~/src/many-projects   # any tree, as it is

corslint is measured as a user gets it: pip builds and installs it (not editable) into
benchmarks/.venv, with this environment's dependencies. Two series of trees, each built
once (deterministic): `standard` (benchmarks/generate.py: a monorepo's sources) and
`realistic` (benchmarks/realistic_mix.py: the same kinds of sources beside the data files
real repositories carry in bulk: exported JSON, OpenAPI specs, HAR captures, lockfiles,
source maps, i18n bundles, generated YAML, vendored minified code). For each tree it
measures, with the page cache warm for every tool alike:

- `rg -l -i cors`: the I/O floor (every file read once, in parallel);
- the pure-Python floor (benchmarks/floor.py): the least a Python prefilter must do, with
  the interpreter that runs corslint: walk, then read, lower and search for one needle
  every file corslint reads, in one forked process per core, parsing nothing and writing
  nothing;
- corslint cold (no .corslint_cache); the first re-run, once the cold run's own changes
  are 2 s old (corslint distrusts anything newer), which the cache answers in full; and
  warm, the re-run after it, answered by the cache as well (it stats every file, and is
  checked to parse none). Wall time, and peak RSS (the largest single process, from wait4; and the sum over corslint's
  processes, sampled every 20 ms);
- semgrep with benchmarks/semgrep/cors.yml, the peer (skipped when not installed, or for
  trees larger than --semgrep-max);
- start-up: `corslint --version`, and a run on one clean file;
- a pre-commit-like run: five files named on the command line (two CORS configurations,
  three ordinary sources) of the 30k-file tree, read in their project's context, with no
  cache, with the cache a full run left, and with that cache once the five files changed.

Results go to benchmarks/results.json and benchmarks/RESULTS.md. Timings are medians.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TREES = HERE / "trees"
sys.path.insert(0, str(HERE))

from generate import VERSION, generate  # noqa: E402
from realistic_mix import REALISTIC_VERSION, generate_realistic  # noqa: E402

# the Python floor reads the files corslint reads
from corslint.runner.discovery import MINIFIED_SUFFIXES  # noqa: E402
from corslint.runner.prefilter import SOURCE_SUFFIXES  # noqa: E402


@dataclass(frozen=True)
class Measure:
    seconds: float
    max_rss_mb: float  # the largest single process
    sum_rss_mb: float  # every process of the run together, sampled
    exit_code: int
    cpu_seconds: float = 0.0  # user + system, the command and the processes it waited for


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc: through each
    process's own list of children where the kernel keeps one, since scanning every
    process of the machine 50 times a second loads the very machine being measured."""
    if not os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children"):
        return _scanned_tree_rss_kb(root_pid)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * _PAGE_KB
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(child) for child in handle.read().split())
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return total


def _scanned_tree_rss_kb(root_pid: int) -> int:
    """As _tree_rss_kb, by reading every process's parent from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as handle:
                pages = int(handle.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


GNU_TIME = "/usr/bin/time"


def measure(command: list[str], cwd: Path) -> Measure:
    """Wall time, and peak RSS. The largest process's peak comes from GNU time when
    installed: wait4 here would also count the moments the child was still a copy of
    this Python process, before exec."""
    timed = os.path.exists(GNU_TIME)
    # beside the trees, not in one: a file made and removed in a tree's top folder would
    # change that folder between runs (a re-run would list it again)
    report = TREES / f".rss-{os.getpid()}"
    if timed:
        TREES.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no trees yet
        command = [GNU_TIME, "-f", "%M", "-o", str(report), *command]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    max_rss_kb = float(usage.ru_maxrss)
    if timed:
        with contextlib.suppress(OSError, ValueError, IndexError):
            max_rss_kb = float(report.read_text().split()[-1])
        report.unlink(missing_ok=True)
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(elapsed, max_rss_kb / 1024, peak[0] / 1024, process.returncode, cpu)


def median(measures: list[Measure]) -> Measure:
    ordered = sorted(measures, key=lambda m: m.seconds)
    middle = ordered[len(ordered) // 2]
    return Measure(
        middle.seconds,
        max(m.max_rss_mb for m in measures),
        max(m.sum_rss_mb for m in measures),
        middle.exit_code,
        sorted(m.cpu_seconds for m in measures)[len(measures) // 2],
    )


SERIES = ("standard", "realistic")


def ensure_tree(files: int, mix: str = "standard") -> Path:
    name = f"{files // 1000}k" if files % 1000 == 0 else str(files)
    root = TREES / (name if mix == "standard" else f"{mix}-{name}")
    marker = root / ".generated"
    version = VERSION if mix == "standard" else f"{mix}-{REALISTIC_VERSION}"
    if not marker.is_file() or not marker.read_text().startswith(f"{version} {files} "):
        print(f"generating {files:,} files ({mix}) in {root} ...", flush=True)
        (generate if mix == "standard" else generate_realistic)(root, files)
    return root


def find_semgrep(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("SEMGREP"), shutil.which("semgrep")):
        if candidate and Path(candidate).exists():
            return candidate
    for guess in (ROOT / ".venv" / "bin" / "semgrep", Path("/work/semgrep-venv/bin/semgrep")):
        if guess.exists():
            return str(guess)
    return None


def development_command() -> list[str]:
    script = Path(sys.executable).parent / "corslint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "corslint"]


RACY_SECONDS = 2.1  # a little over corslint.runner.discovery.RACY_NS
INSTALLED = HERE / ".venv"  # corslint as pip installs it, for the measurements


def install_corslint() -> tuple[list[str], str]:
    """corslint installed as a user gets it from pip: built and installed, not the
    editable install of development, whose import hook alone costs every start-up
    10-15 ms on the machine measured. Its dependencies are this environment's, so both
    import the same versions. Falls back to the development install (and says so)."""
    python = INSTALLED / "bin" / "python"
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(INSTALLED)], check=True)
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # this environment's packages (pyyaml, pathspec, tree-sitter ...), after the venv's own
        (Path(purelib) / "benchmark_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)], check=True)
        subprocess.run([str(python), "-m", "compileall", "-q", str(Path(purelib) / "corslint")], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"could not install corslint into {INSTALLED} ({error}): measuring the development install")
        return development_command(), "the development (editable) install"
    return [str(INSTALLED / "bin" / "corslint")], "a regular (non-editable) install, built by pip"


_COMMAND: list[list[str]] = [[]]


def corslint_command() -> list[str]:
    return _COMMAND[0] or development_command()


def bench_size(
    files: int, runs: int, semgrep: str | None, semgrep_max: int, mix: str = "standard"
) -> dict[str, object]:
    row = bench_tree(ensure_tree(files, mix), runs, semgrep if files <= semgrep_max else None)
    return {"files": files, "mix": mix, **row}


def bench_tree(root: Path, runs: int, semgrep: str | None) -> dict[str, object]:
    """rg, the Python floor, corslint cold, first re-run and warm (and semgrep, if given)
    on one tree, round by round."""
    corslint = [*corslint_command(), ".", "--exit-zero", "--format", "json", "--output", os.devnull]
    cache = root / ".corslint_cache"
    row: dict[str, object] = {}
    rg = shutil.which("rg")
    grep = [rg, "-l", "-i", "cors"] if rg else None
    if grep:
        measure(grep, root)  # warm the page cache for everyone
    python_floor = [
        python_command(),
        str(HERE / "floor.py"),
        ".",
        ",".join(SOURCE_SUFFIXES),
        ",".join(MINIFIED_SUFFIXES),
    ]
    floor, least, cold, cached, warm = [], [], [], [], []
    # round by round, so that the machine's load, which drifts on a shared host, weighs
    # on the floor and on corslint alike
    for _ in range(runs):
        if grep:
            floor.append(measure(grep, root))
        least.append(measure(python_floor, root))
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(measure(corslint, root))
        # the cold run created .corslint_cache in the tree's top folder, and a run trusts
        # no folder changed in the last 2 s (RACY_NS): it would list that folder again,
        # and keep no listing of it for the next run. Wait that out
        time.sleep(RACY_SECONDS)
        cached.append(measure(corslint, root))
        warm.append(measure(corslint, root))
    if floor:
        row["rg"] = asdict(median(floor))
    row["python_floor"] = asdict(median(least))
    row["corslint_cold"] = asdict(median(cold))
    row["corslint_cached"] = asdict(median(cached))
    row["corslint_warm"] = asdict(median(warm))
    # a warm run must parse nothing; a change to corslint's own code between runs would void it
    check = subprocess.run(
        [*corslint_command(), ".", "--exit-zero", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    summary = json.loads(check.stdout)["summary"]
    row["warm_parsed_files"] = summary["files_parsed"]
    row["files_checked"] = summary["files_checked"]
    shutil.rmtree(cache, ignore_errors=True)
    if semgrep:
        command = [
            semgrep,
            "scan",
            "--config",
            str(HERE / "semgrep" / "cors.yml"),
            "--metrics=off",
            "--disable-version-check",
            "--quiet",
            "--json",
            "--output",
            os.devnull,
            ".",
        ]
        row["semgrep"] = asdict(measure(command, root))
    return row


def python_command() -> str:
    """The interpreter that runs the measured corslint."""
    command = corslint_command()
    return str(Path(command[0]).with_name("python")) if command[0].endswith("corslint") else command[0]


def startup(runs: int) -> dict[str, float]:
    """`corslint --version`, and one clean file in a repository of its own: outside this
    one, since a file named alone is read in its project's context (its repository)."""
    scratch = Path(tempfile.mkdtemp(prefix="corslint-startup-"))
    try:
        subprocess.run(["git", "init", "-q", str(scratch)], check=False)
        (scratch / "clean.py").write_text("def handler(request):\n    return {'ok': True}\n")
        version = median([measure([*corslint_command(), "--version"], scratch) for _ in range(runs)])
        one = median([measure([*corslint_command(), "clean.py", "--no-cache"], scratch) for _ in range(runs)])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"version_seconds": version.seconds, "one_clean_file_seconds": one.seconds}


def precommit(runs: int) -> dict[str, object]:
    """Five files named on the command line, as pre-commit names a commit's files, in the
    30k-file realistic tree: without a cache, with the one a full run left, and with that
    cache once the five files changed (as a commit finds them)."""
    root = ensure_tree(30_000, "realistic")
    services = sorted(str(p.relative_to(root)) for p in root.glob("apps/*/services/*/*") if p.is_file())
    sources = sorted(str(p.relative_to(root)) for p in root.glob("apps/*/src/core/*.py"))
    named = services[:2] + sources[:3]
    command = [*corslint_command(), *named, "--exit-zero", "--format", "json", "--output", os.devnull]
    cache = root / ".corslint_cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold = median([measure([*command, "--no-cache"], root) for _ in range(runs)])
    measure([*corslint_command(), ".", "--exit-zero", "--format", "json", "--output", os.devnull], root)
    time.sleep(RACY_SECONDS)
    cached = median([measure(command, root) for _ in range(runs)])
    # as a commit finds them: the five files edited since the full run (a new mtime, which
    # is what the cache compares), so that they, and what read them, are read again
    changed = []
    for _ in range(runs):
        for name in named:
            os.utime(root / name)
        changed.append(measure(command, root))
    shutil.rmtree(cache, ignore_errors=True)
    return {
        "files": named,
        "no_cache": asdict(cold),
        "cache": asdict(cached),
        "changed": asdict(median(changed)),
    }


def _fmt(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "n/a"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a is not None and b else "n/a"


def _table(rows: list[dict[str, Any]], label: str) -> list[str]:
    lines = [
        f"| {label} | rg -l -i cors | Python floor | corslint cold | corslint warm (cache)"
        " | first re-run (cache) | semgrep | cold / rg | cold / Python floor | warm / rg"
        " | semgrep / cold | peak RSS cold, largest process (all processes) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        rg = row.get("rg", {}).get("seconds")
        least = row.get("python_floor", {}).get("seconds")
        cold = row["corslint_cold"]
        warm = row["corslint_warm"]
        first = row.get("corslint_cached", {}).get("seconds")
        sg = row.get("semgrep", {}).get("seconds")
        name = f"{row['files']:,}" if "files" in row else str(row.get("tree"))
        lines.append(
            f"| {name} | {_fmt(rg)} | {_fmt(least)} | {_fmt(cold['seconds'])} | {_fmt(warm['seconds'])}"
            f" | {_fmt(first)} | {_fmt(sg)} | {_ratio(cold['seconds'], rg)} | {_ratio(cold['seconds'], least)}"
            f" | {_ratio(warm['seconds'], rg)} | {_ratio(sg, cold['seconds'])}"
            f" | {cold['max_rss_mb']:.0f} MB ({cold['sum_rss_mb']:.0f} MB) |"
        )
    lines += [
        "",
        "CPU seconds (user + system, every process; steadier than wall time on a shared host):",
        "",
        f"| {label} | rg | Python floor | corslint cold | corslint warm | first re-run |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        keys = ("rg", "python_floor", "corslint_cold", "corslint_warm", "corslint_cached")
        cpu = [row.get(key, {}).get("cpu_seconds") for key in keys]
        name = f"{row['files']:,}" if "files" in row else str(row.get("tree"))
        lines.append(f"| {name} | " + " | ".join(f"{c:.2f}" if c else "n/a" for c in cpu) + " |")
    lines += [
        "",
        "Files corslint checked (after .gitignore, node_modules, bundles), files a re-run parsed"
        " (0: every answer came from the cache): "
        + ", ".join(
            f"{row['files'] if 'files' in row else row.get('tree')}: {row.get('files_checked', '?')}"
            f" / {row.get('warm_parsed_files', '?')}"
            for row in rows
        )
        + ".",
        "",
    ]
    return lines


MIXES = {
    "standard": "Standard series (benchmarks/generate.py): a monorepo's sources; 0.5% of files configure CORS.",
    "realistic": "Realistic mix (benchmarks/realistic_mix.py): the same kinds of sources beside what real"
    " repositories carry in bulk: exported JSON data that mentions `origin` (0.8% of files, 8 KB-3 MB),"
    " OpenAPI specs, HAR captures, i18n bundles, lockfiles, source maps, generated YAML (Kubernetes,"
    " CI, recorded HTTP cassettes), vendored minified code outside node_modules, images and other"
    " files only ripgrep reads.",
}


def report(results: dict[str, Any]) -> str:
    lines = [
        "# corslint benchmark results",
        "",
        f"Machine: {results['machine']}. Command: `.venv/bin/python benchmarks/run.py`."
        " Times are medians, in seconds; the page cache is warm for every tool."
        f" corslint measured: {results.get('installed', 'the development install')}."
        " Re-runs start 2 s after the cold run (a run lists again any folder changed in the last"
        " 2 s, and the cold run has just created .corslint_cache). The first re-run and warm, the"
        " next, are answered by the results cache in full (it stats every file and parses none).",
        "",
    ]
    for mix in SERIES:
        rows = [row for row in results.get("sizes", []) if row.get("mix", "standard") == mix]
        if rows:
            lines += [f"## {mix.capitalize()} series", "", MIXES[mix], "", *_table(rows, "files")]
    trees = results.get("trees", [])
    if trees:
        lines += ["## Trees measured as they are", "", *_table(trees, "tree")]
    start = results.get("startup")
    if start:
        lines += [
            f"Start-up: `corslint --version` {start['version_seconds']:.3f} s;"
            f" one clean file {start['one_clean_file_seconds']:.3f} s.",
            "",
        ]
    hook = results.get("precommit")
    if hook:
        lines += [
            "Pre-commit-like run, five files named in the 30k-file realistic tree"
            f" ({', '.join(hook['files'])}): {hook['no_cache']['seconds']:.2f} s without a cache,"
            f" {hook['cache']['seconds']:.2f} s with the cache of a full run"
            + (
                f", {hook['changed']['seconds']:.2f} s with that cache once the five files changed;"
                if "changed" in hook
                else ";"
            )
            + f" peak RSS {hook['no_cache']['max_rss_mb']:.0f} MB.",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--series", default=",".join(SERIES), help="standard, realistic, or both")
    parser.add_argument(
        "--tree", action="append", default=[], type=Path, help="also measure this tree as it is"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--semgrep", help="the semgrep executable (default: found on PATH)")
    parser.add_argument("--semgrep-max", type=int, default=100_000, help="largest tree to run semgrep on")
    parser.add_argument("--no-semgrep", action="store_true", help="do not run semgrep")
    parser.add_argument("--output", type=Path, default=HERE, help="folder for results.json and RESULTS.md")
    arguments = parser.parse_args()
    semgrep = None if arguments.no_semgrep else find_semgrep(arguments.semgrep)
    if semgrep is None and not arguments.no_semgrep:
        print("semgrep not found: the peer column will read n/a (pip install semgrep)", flush=True)
    if shutil.which("rg") is None:
        print("rg not found: the floor column will read n/a (apt-get install ripgrep)", flush=True)
    # as pip installs it, bytecode compiled (PYTHONDONTWRITEBYTECODE would otherwise make
    # every start-up compile corslint's modules again)
    command, installed = install_corslint()
    _COMMAND[0] = command
    series = [s for s in arguments.series.split(",") if s]
    sizes = []
    for mix in series:
        for files in (int(s) for s in arguments.sizes.split(",") if s):
            print(f"measuring {files:,} files ({mix}) ...", flush=True)
            sizes.append(bench_size(files, arguments.runs, semgrep, arguments.semgrep_max, mix))
            print(json.dumps(sizes[-1]), flush=True)
    trees = []
    for tree in arguments.tree:
        print(f"measuring {tree} ...", flush=True)
        trees.append({"tree": tree.name, **bench_tree(tree.resolve(), arguments.runs, None)})
        print(json.dumps(trees[-1]), flush=True)
    results: dict[str, object] = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "installed": installed,
        "sizes": sizes,
        "trees": trees,
        "startup": startup(7),
    }
    if "realistic" in series:
        results["precommit"] = precommit(7)
    arguments.output.mkdir(parents=True, exist_ok=True)
    (arguments.output / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (arguments.output / "RESULTS.md").write_text(report(results))
    print(report(results))


if __name__ == "__main__":
    main()
