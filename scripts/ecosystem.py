"""Ecosystem check: run this checkout's corslint over pinned real projects and diff the findings.

A development tool (not a CI step: it needs the network or local mirrors). Each project of
``ecosystem_projects.toml`` is brought to its pinned commit in a cache folder outside this
repository, from a local mirror when one exists (a bare git directory, e.g. the
``/work/.mirror/<owner>+<name>/repo`` copies) or else by ``git clone --filter=blob:none``;
its tree is exported with ``git archive <commit> | tar -x``. corslint runs on each tree as
``python -m corslint <paths> --no-cache --format json --exit-zero`` with this interpreter, the
run is stored as JSON in the cache, and the findings are printed as a diff against the
reference run (``--save-baseline`` makes the current run the reference), like ruff's
ecosystem check. Projects' code never enters this repository.

    python scripts/ecosystem.py --mirrors /work/.mirror            # run and diff
    python scripts/ecosystem.py --mirrors /work/.mirror --save-baseline
    python scripts/ecosystem.py --project flask --show-all         # a subset, every finding

PYTHONPATH in the environment is passed through (it wins over this checkout), so
``PYTHONPATH=/path/to/other/checkout`` measures another corslint. Needs git and tar.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - corslint itself depends on tomli below 3.11
    import tomli as tomllib

CHECKOUT = Path(__file__).resolve().parent.parent
DEFAULT_PROJECTS = Path(__file__).resolve().parent / "ecosystem_projects.toml"
DEFAULT_CACHE = Path.home() / ".cache" / "corslint-ecosystem"
COMMIT = re.compile(r"^[0-9a-f]{40}$")
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")

Finding = dict[str, Any]


@dataclass(frozen=True)
class Project:
    repo: str
    commit: str
    paths: tuple[str, ...]
    framework: str

    @property
    def slug(self) -> str:
        return self.repo.replace("/", "+")


class EcosystemError(Exception):
    """A project could not be brought in or checked; the run goes on with the others."""


def load_projects(path: Path) -> list[Project]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    projects: list[Project] = []
    for index, entry in enumerate(data.get("project", []), 1):
        repo, commit = str(entry.get("repo", "")), str(entry.get("commit", "")).lower()
        if not REPO.match(repo) or not COMMIT.match(commit):
            raise click.ClickException(
                f"{path}: project #{index} needs repo = 'owner/name' and a 40-hex commit"
            )
        paths = tuple(str(p) for p in entry.get("paths", ["."]))
        if any(Path(p).is_absolute() or ".." in Path(p).parts for p in paths):
            raise click.ClickException(f"{path}: {repo}: paths must stay inside the project")
        projects.append(Project(repo, commit, paths, str(entry.get("framework", ""))))
    if len({p.repo for p in projects}) != len(projects):
        raise click.ClickException(f"{path}: a repository is listed twice")
    return projects


def git(*args: str, git_dir: Path | None = None, cwd: Path | None = None) -> str:
    command = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise EcosystemError(f"`{' '.join(command)}` failed: {proc.stderr.strip()[-400:]}")
    return proc.stdout


def has_commit(git_dir: Path, commit: str) -> bool:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def find_mirror(mirrors: Path | None, project: Project) -> Path | None:
    if mirrors is None:
        return None
    owner, name = project.repo.split("/")
    for candidate in (
        mirrors / project.slug / "repo",
        mirrors / project.slug,
        mirrors / owner / f"{name}.git",
        mirrors / owner / name / ".git",
        mirrors / owner / name,
    ):
        if (
            (candidate / "HEAD").is_file()
            and (candidate / "objects").is_dir()
            and has_commit(candidate, project.commit)
        ):
            return candidate
    return None


def clone(cache: Path, project: Project) -> Path:
    """A blobless clone in the cache, checked out at the commit (which fetches its blobs)."""
    work = cache / "repos" / project.slug
    if not (work / ".git").is_dir():
        shutil.rmtree(work, ignore_errors=True)
        work.parent.mkdir(parents=True, exist_ok=True)
        url = f"https://github.com/{project.repo}.git"
        git("clone", "--quiet", "--filter=blob:none", "--no-checkout", url, str(work))
    if not has_commit(work / ".git", project.commit):
        git("fetch", "--quiet", "--filter=blob:none", "origin", project.commit, cwd=work)
    git("checkout", "--quiet", "--detach", project.commit, cwd=work)
    return work / ".git"


def missing_blobs(git_dir: Path, commit: str) -> list[str]:
    """Paths whose blobs the object store lacks (mirrors leave out very large files)."""
    listing = git("ls-tree", "-r", "-z", commit, git_dir=git_dir)
    entries = [e.split("\t", 1) for e in listing.split("\0") if e]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    query = "".join(f"{sha}\n" for sha, _ in blobs)
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch-check=%(objectname)"],
        input=query,
        capture_output=True,
        text=True,
        check=False,
    )
    absent = {line.split()[0] for line in proc.stdout.splitlines() if line.endswith(" missing")}
    return [path for sha, path in blobs if sha in absent]


def export_tree(cache: Path, mirrors: Path | None, project: Project) -> tuple[Path, list[str], str]:
    tree = cache / "trees" / project.slug / project.commit
    marker = tree.parent / f"{project.commit}.json"
    if tree.is_dir() and marker.is_file():
        info = json.loads(marker.read_text())
        return tree, list(info.get("excluded", [])), str(info.get("source", "cache"))
    mirror = find_mirror(mirrors, project)
    git_dir, source = (mirror, "mirror") if mirror else (clone(cache, project), "clone")
    excluded = missing_blobs(git_dir, project.commit) if mirror else []
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    pathspec = ["--", ".", *(f":(exclude,literal){p}" for p in excluded)]
    archive = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", project.commit, *pathspec],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    untar = subprocess.run(
        ["tar", "-x", "-C", str(tree)], stdin=archive.stdout, capture_output=True, check=False
    )
    assert archive.stdout is not None and archive.stderr is not None
    archive.stdout.close()
    error = archive.stderr.read().decode(errors="replace")
    if archive.wait() != 0 or untar.returncode != 0:
        shutil.rmtree(tree, ignore_errors=True)
        raise EcosystemError(f"git archive | tar failed: {(error or untar.stderr.decode())[-400:]}")
    marker.write_text(json.dumps({"excluded": excluded, "source": source}))
    return tree, excluded, source


def corslint_env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(CHECKOUT)])  # an explicit PYTHONPATH wins
    return env


def run_corslint(tree: Path, project: Project, timeout: float) -> tuple[list[Finding], dict[str, Any]]:
    # the project's own top-level modules must not shadow corslint's: -P (3.11+) keeps cwd off sys.path
    if sys.version_info >= (3, 11):
        command = [sys.executable, "-P", "-m", "corslint", *project.paths]
    else:
        start = "import runpy,sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
        command = [
            sys.executable,
            "-c",
            start + "runpy.run_module('corslint', run_name='__main__')",
            *project.paths,
        ]
    command += ["--no-cache", "--format", "json", "--exit-zero"]
    try:
        proc = subprocess.run(
            command,
            cwd=tree,
            env=corslint_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise EcosystemError(f"corslint did not finish within {timeout:.0f} s") from error
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as error:
        raise EcosystemError(f"corslint exited {proc.returncode}: {proc.stderr.strip()[-600:]}") from error
    keep = ("rule_id", "level", "path", "line", "column", "message")
    findings = [{k: f.get(k) for k in keep} for f in report.get("findings", [])]
    findings.sort(key=lambda f: (str(f["path"]), int(f["line"]), int(f["column"]), str(f["rule_id"])))
    return findings, dict(report.get("summary", {}))


def check_project(cache: Path, mirrors: Path | None, project: Project, timeout: float) -> dict[str, Any]:
    started = time.monotonic()
    entry: dict[str, Any] = {"repo": project.repo, "commit": project.commit, "framework": project.framework}
    try:
        tree, excluded, source = export_tree(cache, mirrors, project)
        findings, summary = run_corslint(tree, project, timeout)
        entry.update(findings=findings, summary=summary, excluded=excluded, source=source)
    except EcosystemError as error:
        entry.update(findings=[], error=str(error))
    entry["seconds"] = round(time.monotonic() - started, 1)
    return entry


def key(finding: Finding) -> tuple[str, int, int, str, str]:
    return (
        str(finding["path"]),
        int(finding["line"]),
        int(finding["column"]),
        str(finding["rule_id"]),
        str(finding["message"]),
    )


def render(finding: Finding) -> str:
    return (
        f"{finding['path']}:{finding['line']}:{finding['column']}: {finding['rule_id']} {finding['message']}"
    )


def diff_runs(old: dict[str, Any] | None, new: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    before = {p["repo"]: p for p in (old or {}).get("projects", [])}
    added_rules: Counter[str] = Counter()
    removed_rules: Counter[str] = Counter()
    per_project: list[tuple[str, int, int, int]] = []
    for project in new["projects"]:
        previous = before.get(project["repo"])
        now = {key(f): f for f in project["findings"]}
        then = {key(f): f for f in previous["findings"]} if previous else {}
        listed = old is not None or show_all
        plus = [now[k] for k in sorted(now.keys() - then.keys())] if listed else []
        minus = [then[k] for k in sorted(then.keys() - now.keys())]
        per_project.append((project["repo"], len(now), len(plus), len(minus)))
        notes = []
        if "error" in project:
            notes.append(f"  ! error: {project['error']}")
        if previous and previous.get("commit") != project["commit"]:
            notes.append(f"  ~ commit changed {previous.get('commit', '?')[:12]} -> {project['commit'][:12]}")
        if previous is None and old is not None:
            notes.append("  ~ new project (not in the reference run)")
        if not (plus or minus or notes):
            continue
        lines.append(f"{project['repo']} @ {project['commit'][:12]} (+{len(plus)} -{len(minus)})")
        lines += notes + [f"+ {render(f)}" for f in plus] + [f"- {render(f)}" for f in minus]
        lines.append("")
        added_rules.update(str(f["rule_id"]) for f in plus)
        removed_rules.update(str(f["rule_id"]) for f in minus)
    for repo in sorted(before.keys() - {p["repo"] for p in new["projects"]}):
        lines += [f"{repo}: not in this run (was in the reference run)", ""]
    total_plus, total_minus = sum(added_rules.values()), sum(removed_rules.values())
    changed = sum(1 for _, _, plus, minus in per_project if plus or minus)
    title = "reference" if old is not None else "empty reference (first run)"
    header = (
        f"ecosystem check against the {title}: +{total_plus} -{total_minus} findings in {changed} projects"
    )
    lines.insert(0, header + "\n")
    if old is not None and (added_rules or removed_rules):
        lines.append("Changes by rule:")
        lines.append(f"  {'rule':8} {'+':>5} {'-':>5}")
        for rule in sorted(added_rules.keys() | removed_rules.keys()):
            lines.append(f"  {rule:8} {added_rules[rule]:>5} {removed_rules[rule]:>5}")
        lines.append("")
    return lines


def summary_lines(run: dict[str, Any]) -> list[str]:
    by_rule: Counter[str] = Counter()
    lines = ["Findings by project:", f"  {'project':50} {'framework':10} {'findings':>8}  rules"]
    for project in run["projects"]:
        rules = Counter(str(f["rule_id"]) for f in project["findings"])
        by_rule.update(rules)
        shown = " ".join(f"{r}x{n}" for r, n in sorted(rules.items())) or "-"
        status = "ERROR" if "error" in project else str(len(project["findings"]))
        lines.append(f"  {project['repo']:50} {project['framework']:10} {status:>8}  {shown}")
    lines += ["", "Findings by rule:"]
    lines += [f"  {rule:8} {count:>5}" for rule, count in sorted(by_rule.items())]
    total = sum(by_rule.values())
    errors = sum(1 for p in run["projects"] if "error" in p)
    lines += ["", f"{total} findings in {len(run['projects'])} projects ({errors} errors)"]
    return lines


def read_json(path: Path) -> dict[str, Any] | None:
    return dict(json.loads(path.read_text())) if path.is_file() else None


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--projects",
    "projects_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_PROJECTS,
    show_default=True,
    help="Pinned project list (TOML).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_CACHE,
    show_default=True,
    help="Clones, exported trees and stored runs (outside the repository).",
)
@click.option(
    "--mirrors",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of local bare mirrors (<owner>+<name>/repo, <owner>/<name>.git, ...).",
)
@click.option("--project", "only", multiple=True, help="Only projects whose repo or framework contains this.")
@click.option("--save-baseline", is_flag=True, help="Make this run the reference for later diffs.")
@click.option(
    "--against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Diff against this stored run instead of the reference.",
)
@click.option("--show-all", is_flag=True, help="With no reference for a project, list all its findings.")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds per project.")
def main(
    projects_file: Path,
    cache_dir: Path,
    mirrors: Path | None,
    only: tuple[str, ...],
    save_baseline: bool,
    against: Path | None,
    show_all: bool,
    timeout: float,
) -> None:
    """Run corslint over pinned real projects and print the findings' diff against the reference run."""
    cache = cache_dir.expanduser().resolve()
    if cache == CHECKOUT or CHECKOUT in cache.parents:
        raise click.ClickException("the cache folder must be outside this repository")
    if save_baseline and only:
        raise click.ClickException("--save-baseline needs the whole project list (no --project)")
    projects = load_projects(projects_file)
    if only:
        projects = [p for p in projects if any(o.lower() in f"{p.repo} {p.framework}".lower() for o in only)]
    (cache / "runs").mkdir(parents=True, exist_ok=True)
    results = []
    for number, project in enumerate(projects, 1):
        click.echo(f"[{number}/{len(projects)}] {project.repo} @ {project.commit[:12]}", err=True)
        results.append(check_project(cache, mirrors, project, timeout))
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    run = {
        "created": stamp,
        "python": sys.executable,
        "pythonpath": corslint_env()["PYTHONPATH"],
        "projects": results,
    }
    reference_file = against or cache / "baseline.json"
    reference = read_json(reference_file) or read_json(cache / "latest.json")
    if reference is not None and only:
        wanted = {p.repo for p in projects}
        reference = {**reference, "projects": [p for p in reference["projects"] if p["repo"] in wanted]}
    (cache / "runs" / f"{stamp}.json").write_text(json.dumps(run, indent=1))
    (cache / "latest.json").write_text(json.dumps(run, indent=1))
    click.echo("\n".join([*diff_runs(reference, run, show_all), *summary_lines(run)]))
    if save_baseline:
        shutil.copyfile(cache / "latest.json", cache / "baseline.json")
        click.echo(f"saved as the reference: {cache / 'baseline.json'}")


if __name__ == "__main__":
    main()
