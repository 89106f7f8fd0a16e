"""`corslint check` and `corslint baseline`: settings, the run, the report, the exit code.

Imported only when one of them runs (corslint.cli declares their options)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import click

from corslint.engine import exit_code
from corslint.findings import Level
from corslint.report import ReportContext, renderer
from corslint.report.context import DEFAULT_CATEGORY, identity_root, repository_root, visible
from corslint.runner.result import RunResult
from corslint.runner.settings import ConfigError, Settings, describe, find_config, load

STDIN = "-"
IdParser = Callable[[Sequence[str], str], tuple[str, ...]]


class CommandError(click.ClickException):
    """A command that cannot run as asked for a reason outside its command line (an
    invalid configuration file, a report that cannot be written): exit code 2, as ruff
    exits on an invalid configuration."""

    exit_code = 2


class RuleIds(Sequence[str]):
    """Every rule id; the rule modules are imported only if a setting names a rule."""

    @staticmethod
    def _ids() -> Sequence[str]:
        from corslint.rules import RULE_IDS

        return RULE_IDS

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._ids()[index]

    def __len__(self) -> int:
        return len(self._ids())

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids())


@dataclass(frozen=True)
class CheckRequest:
    """What the command line asked of `check` (or of `baseline`: `write_baseline`)."""

    paths: tuple[Path, ...] = ()
    output_format: str = "text"
    output: Path | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_level: str | None = None
    exit_zero: bool = False
    config_file: Path | None = None
    no_color: bool = False
    statistics: bool = False
    quiet: bool = False
    no_cache: bool = False
    no_respect_gitignore: bool = False
    force_exclude: bool = False
    max_file_size: int | None = None
    stdin_filename: str | None = None
    show_settings: bool = False
    show_files: bool = False
    show_parsed: bool = False
    category: str = DEFAULT_CATEGORY
    baseline: Path | None = None
    add_noqa: bool = False
    write_baseline: Path | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    fix_only: bool = False
    exit_non_zero_on_fix: bool = False

    @classmethod
    def of(
        cls, options: Mapping[str, Any], ids: IdParser, write_baseline: Path | None = None
    ) -> CheckRequest:
        """The request of click's parsed options; rule ids checked by `ids`."""
        known = {name: value for name, value in options.items() if name in cls.__dataclass_fields__}
        known["select"] = ids(options.get("select", ()), "--select")
        known["extend_select"] = ids(options.get("extend_select", ()), "--extend-select")
        known["ignore"] = ids(options.get("ignore", ()), "--ignore") + ids(
            options.get("extend_ignore", ()), "--extend-ignore"
        )
        category = str(options.get("category") or DEFAULT_CATEGORY)
        known["category"] = category if category.endswith("/") else category + "/"  # as upload-sarif does
        return cls(**known, write_baseline=write_baseline)

    @property
    def reads_stdin(self) -> bool:
        return self.paths == (Path(STDIN),) or (self.stdin_filename is not None and not self.paths)


def run_check(request: CheckRequest) -> int:
    if Path(STDIN) in request.paths and len(request.paths) > 1:
        raise click.UsageError("`-` (standard input) cannot be linted together with other paths")
    targets = [Path(".")] if request.reads_stdin or not request.paths else list(request.paths)
    if request.reads_stdin and request.stdin_filename:
        targets = [Path(request.stdin_filename)]
    settings = _settings(request, targets)
    if request.show_settings:
        sys.stdout.write(describe(settings))
        return 0
    if request.show_parsed:
        from corslint.runner.show_files import show_files

        sys.stdout.write(show_files(targets, settings))
        return 0
    if request.show_files:
        from corslint.runner.run import files_to_lint

        shown, skipped = files_to_lint(targets, settings)
        sys.stdout.writelines(f"{visible(path)}\n" for path in shown)
        sys.stderr.writelines(f"corslint: skipped {visible(s.path)}: {visible(s.reason)}\n" for s in skipped)
        return 0
    if request.reads_stdin and (request.fix or request.fix_only or request.diff):
        raise click.UsageError("--fix, --fix-only and --diff need files to fix, not standard input")
    result = _run(request, targets, settings)
    fixed = 0
    if request.write_baseline is None and not request.add_noqa and not request.reads_stdin:
        from corslint.cli.fixing import apply_requested_fixes

        result, fixed, done = apply_requested_fixes(
            request, result, lambda: _run(request, targets, settings), settings.fix_allowed
        )
        if done is not None:
            return done
    _LAST_RUN[:] = [result]  # freed at exit by entry's os._exit, not as the command returns
    stream_is_tty = request.output is None and sys.stdout.isatty()
    context = ReportContext(
        result,
        settings,
        color=stream_is_tty and not request.no_color,
        statistics=request.statistics,
        quiet=request.quiet,
        root=repository_root(targets),
        identity_root=identity_root(targets),
        category=request.category,
    )
    if request.write_baseline is not None:
        from corslint.report.baseline import render as render_baseline

        _write(request.write_baseline, render_baseline(context))
        recorded = sum(1 for f in result.findings if f.rule_id not in {"CORS001", "CORS002"})
        sys.stderr.write(
            f"corslint: {recorded} finding(s) written to {visible(str(request.write_baseline))}\n"
        )
        return 0
    if request.baseline is not None:
        from corslint.report.baseline import BaselineError, new_findings
        from corslint.report.baseline import load as load_baseline

        try:
            result.findings = new_findings(result.findings, load_baseline(request.baseline), context)
        except BaselineError as error:
            raise CommandError(str(error)) from None
    if request.add_noqa:
        return _add_noqa(result)
    if request.statistics:
        from corslint.report import statistics

        report = (statistics.render_json if request.output_format == "json" else statistics.render)(context)
    else:
        report = renderer(request.output_format)(context)
    if request.output is not None:
        _write(request.output, report)
    else:
        sys.stdout.write(report)
    if not request.quiet:
        sys.stderr.write(
            "".join(f"corslint: skipped {visible(s.path)}: {visible(s.reason)}\n" for s in result.skipped)
        )
    if request.exit_non_zero_on_fix and fixed:
        return 1
    return 0 if request.exit_zero else exit_code(result.findings, settings.fail_level)


_LAST_RUN: list[object] = []


def _settings(request: CheckRequest, targets: Sequence[Path]) -> Settings:
    """The settings file's (found from the first path, or named), then the command line's."""
    try:
        # the settings of the first path, or of the folder a --stdin-filename names
        start = next((p for p in (targets[0], targets[0].parent) if p.exists()), Path("."))
        found = request.config_file or find_config(start)
        settings = load(found, RuleIds()) if found is not None else Settings()
    except ConfigError as error:
        raise CommandError(str(error)) from None
    settings = settings.with_overrides(
        select=request.select or None,
        ignore=tuple(settings.ignore) + request.ignore,
        fail_level=Level(request.fail_level) if request.fail_level else None,
        respect_gitignore=False if request.no_respect_gitignore else None,
        force_exclude=True if request.force_exclude else None,
        max_file_size=request.max_file_size,
        cache=False if request.no_cache else None,
    )
    return settings.with_extended_selection(request.extend_select, ())


def _run(request: CheckRequest, targets: list[Path], settings: Settings) -> RunResult:
    if request.reads_stdin:
        from corslint.runner.run import lint_text

        text = _read_stdin(settings.max_file_size)
        display = Path(request.stdin_filename).as_posix() if request.stdin_filename else STDIN
        return lint_text(display, text, settings)
    cache_dir = None
    if settings.cache:
        from corslint.runner.cache import default_directory

        cache_dir = default_directory(settings.source)
    from corslint.runner.project import lint_named

    ready = None
    if request.write_baseline is None and not request.add_noqa:  # the findings get their fixes
        from corslint.cli.fixing import getting_ready_for_fixes

        ready = getting_ready_for_fixes(settings.fix_allowed)
    # files named one by one (pre-commit) are read in their project's context
    return lint_named(targets, settings, cache_dir=cache_dir, isolate=True, on_findings=ready)


def _read_stdin(limit: int) -> str:
    """Standard input, as text: at most `limit` bytes (a `cat /dev/zero |` must end)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream stands in (tests)
        text: str = sys.stdin.read(limit + 1)
        data = text.encode("utf-8", errors="surrogateescape")
    else:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise CommandError(f"standard input is larger than the {limit:,}-byte limit (--max-file-size)")
    return data.decode("utf-8-sig", errors="replace")


def _add_noqa(result: RunResult) -> int:
    from corslint.runner.suppression_comments import add_suppression_comments

    added = add_suppression_comments(result.findings)
    comments = sum(added.written.values())
    sys.stderr.writelines(f"corslint: left {visible(line)}\n" for line in added.left)
    sys.stderr.write(f"corslint: added {comments} suppression comment(s) to {len(added.written)} file(s)\n")
    return 0


def _write(path: Path, report: str) -> None:
    try:  # into a folder made for it if need be, as ruff does (`--output reports/x.sarif`)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report, "utf-8")
    except OSError as error:
        raise CommandError(f"cannot write the report to {path}: {error.strerror or error}") from None
