"""The command line: `corslint [PATHS]` lints; `explain`, `rules` and `simulate` teach.

Parsed with the standard library's argparse, which imports in about 3 ms: click took
18-21 ms, about half of what a whole `corslint --version` takes now (docs/DESIGN.md)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, overload

from corslint import __version__

if TYPE_CHECKING:
    from corslint.replay import RunInputs

PROGRAM = "corslint"
REPORT_FORMATS = ("text", "json", "sarif", "github")
LEVELS = ("error", "warning", "note")


class UsageError(Exception):
    """A command line corslint cannot act on (an unknown rule id, an invalid configuration
    file, a malformed header): reported with the command's usage, exit code 2."""


def _width() -> int:
    """What argparse's formatters take from `shutil.get_terminal_size`, less its two
    columns of margin: asked of os here, since a parser makes a formatter per option and
    importing shutil for it cost every run 4-5 ms."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):  # not a terminal, or closed
            columns = 0
    return (columns or 80) - 2


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, as wide as the terminal (see `_width`)."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        super().__init__(prog, indent_increment, max_help_position, _width() if width is None else width)


class RawDescriptionFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """The program's help: its description and epilog keep their own line breaks."""


class CommandLineParser(argparse.ArgumentParser):
    """Usage errors read as they did under click: usage, where to find help, `Error: ...`."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Try '{self.prog} --help' for help.\n\nError: {message}\n")


class _RuleIds(Sequence[str]):
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


def _split_ids(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(item.strip().upper() for value in values for item in value.split(",") if item.strip())


def _validate_ids(ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    for item in ids:
        if not any(rule_id.startswith(item) for rule_id in _RuleIds()):
            raise UsageError(f"{option}: `{item}` is not a corslint rule id or prefix (see `corslint rules`)")
    return ids


def _file_size_limit(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes") from None
    if size < 1:
        raise argparse.ArgumentTypeError(f"{size} is below the minimum of 1 byte")
    return size


def _report_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory")
    return path


def _existing_path(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"path {text!r} does not exist")
    return path


def entry() -> None:
    """The `corslint` command, where `corslint.replay` had no record to replay (a `check`
    that the cache answers in full records one). Once the report is out, the process ends
    without freeing the run's objects one by one: on a 100k-file tree that teardown took
    50 ms, a tenth of a cached run. Output is flushed first; files and the cache are
    already closed.

    The cyclic garbage collector is off for the whole command: `lint` turns it off while
    it runs, and turned back on, its first collection walks every object the run made
    (9-10 ms at 30k files) in a process that is about to end."""
    gc.disable()
    code: int | str | None
    try:
        code = main(recorded=True)
    except SystemExit as done:
        code = done.code
    sys.stdout.flush()
    sys.stderr.flush()
    if code is None or isinstance(code, int):
        os._exit(code or 0)
    sys.exit(code)


_LAST_RUN: list[object] = []


def main(argv: Sequence[str] | None = None, *, recorded: bool = False) -> int:
    """Run `corslint ARGV` (default: this process's arguments) and return its exit code.
    Help, --version and usage errors end in SystemExit, as argparse ends them.

    `recorded` (the console command's own runs): a `check` that the cache answered in
    full is recorded, for `corslint.replay` to replay while nothing it read changes."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] in (["-h"], ["--help"], ["--version"]):
        _program_parser().parse_args(arguments[:1])  # prints the help or the version and exits 0
    # `corslint src/` means `corslint check src/`, as in ruff's early days
    name = arguments.pop(0) if arguments and arguments[0] in COMMANDS else "check"
    command = COMMANDS[name]
    parser = command.parser(name)
    options = _parse(parser, arguments)
    if recorded and command.run is check:
        options.record_as = list(sys.argv[1:] if argv is None else argv)
    try:
        return command.run(**vars(options))
    except UsageError as error:
        parser.error(str(error))


def _parse(parser: argparse.ArgumentParser, arguments: list[str]) -> argparse.Namespace:
    """Options may sit between paths (`corslint src --exit-zero tests`), as click allowed.
    argparse's intermixed parsing forgets what `--` meant (words after it that start with
    a dash become unknown options), so a line with `--` is parsed the classic way."""
    if "--" in arguments:
        return parser.parse_args(arguments)
    return parser.parse_intermixed_args(arguments)


def _program_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<9} {command.summary}" for name, command in COMMANDS.items())
    parser = CommandLineParser(
        prog=PROGRAM,
        usage=f"{PROGRAM} [-h] [--version] [COMMAND] [ARGS]...",
        description="corslint: find CORS configurations that leak data or break in the browser.\n\n"
        "Run `corslint [PATHS]` to lint (the `check` command), `corslint explain CORS101` to\n"
        "learn what a rule means, `corslint simulate PATH --origin O` to see what a browser\n"
        "would do.",
        epilog=f"commands:\n{commands}\n\n`corslint COMMAND -h` describes a command's options.",
        formatter_class=RawDescriptionFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM}, version {__version__}")
    return parser


def check(
    paths: Sequence[Path],
    output_format: str,
    output: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_level: str | None,
    exit_zero: bool,
    config_file: Path | None,
    no_color: bool,
    statistics: bool,
    no_cache: bool,
    no_respect_gitignore: bool,
    force_exclude: bool,
    max_file_size: int | None,
    record_as: list[str] | None = None,
) -> int:
    """Lint PATHS (default: the current directory).

    `record_as`: the command line under which to record the run for a replay, if the
    cache answers it in full."""
    import time

    from corslint.config import ConfigError, Settings, find_config, load
    from corslint.findings import Level
    from corslint.lint import exit_code, lint
    from corslint.replay import RunInputs
    from corslint.report import ReportContext, renderer

    # from before anything is read: a path changed since is too recent to vouch for
    inputs = RunInputs(time.time_ns()) if record_as is not None else None
    targets = list(paths) or [Path(".")]
    try:
        if config_file is not None and inputs is not None:
            inputs.looked_at(str(config_file))
        found = config_file or find_config(targets[0] if targets[0].exists() else Path("."), inputs)
        settings = load(found, _RuleIds()) if found is not None else Settings()
    except ConfigError as error:
        raise UsageError(str(error)) from None
    settings = settings.with_overrides(
        select=_validate_ids(_split_ids(select), "--select") or None,
        ignore=tuple(settings.ignore) + _validate_ids(_split_ids(ignore), "--ignore"),
        fail_level=Level(fail_level) if fail_level else None,
        respect_gitignore=False if no_respect_gitignore else None,
        force_exclude=True if force_exclude else None,
        max_file_size=max_file_size,
        cache=False if no_cache else None,
    )
    cache_dir = None
    if settings.cache:
        from corslint.cache import default_directory

        cache_dir = default_directory(settings.source)
    result = lint(targets, settings, cache_dir=cache_dir, isolate=True, inputs=inputs)
    _LAST_RUN[:] = [result]  # freed at exit by entry's os._exit, not as main returns
    stream_is_tty = output is None and sys.stdout.isatty()
    context = ReportContext(result, settings, color=stream_is_tty and not no_color, statistics=statistics)
    report = renderer(output_format)(context)
    if output is not None:
        try:  # into a folder made for it if need be, as ruff does (`--output reports/x.sarif`)
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(report, "utf-8")
        except OSError as error:
            raise UsageError(f"cannot write the report to {output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(report)
    notes = "".join(f"corslint: skipped {s.path}: {s.reason}\n" for s in result.skipped)
    sys.stderr.write(notes)
    code = 0 if exit_zero else exit_code(result.findings, settings.fail_level)
    if inputs is not None and record_as is not None and cache_dir is not None:
        _record(record_as, inputs, cache_dir, (report, output), notes, code)
    return code


def _record(
    argv: list[str],
    inputs: RunInputs,
    cache_dir: Path,
    report: tuple[str, Path | None],
    stderr: str,
    code: int,
) -> None:
    """Keep the run for a replay, where a run from this folder looks for it."""
    from corslint.cache import write_atomically
    from corslint.replay import (
        RunInputs,
        encode_record,
        own_sources,
        prune_records,
        record_folder,
        record_name,
        run_key,
    )

    if not inputs.replayable:  # it read files: a cold run, or one after a change
        return
    if os.path.realpath(cache_dir) != os.path.realpath(record_folder()) or not cache_dir.is_dir():
        return  # set elsewhere by a configuration file: a replay would not find it
    read = RunInputs(inputs.started_ns)
    own_sources(read)
    read.extend(inputs)
    if not read.settled():
        return
    key = run_key(argv)
    text, report_file = report
    target = os.fspath(report_file) if report_file is not None else None
    write_atomically(cache_dir / record_name(key), encode_record(key, read, text, target, stderr, code))
    prune_records(os.fspath(cache_dir))


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATHS", help="Files and folders to lint [default: .]."
    )
    parser.add_argument(
        "--format", dest="output_format", choices=REPORT_FORMATS, default="text", help="[default: text]"
    )
    parser.add_argument("-o", "--output", type=_report_file, metavar="FILE", help="Write the report to FILE.")
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="IDS",
        help="Rule ids or prefixes to enable (e.g. CORS1,CORS201). corslint's own diagnostics "
        "(CORS001, CORS002) stay on unless ignored.",
    )
    parser.add_argument(
        "--ignore", action="append", default=[], metavar="IDS", help="Rule ids or prefixes to disable."
    )
    parser.add_argument(
        "--fail-level", choices=LEVELS, help="Lowest level that makes the exit code 1 [default: warning]."
    )
    parser.add_argument("--exit-zero", action="store_true", help="Exit 0 even when there are findings.")
    parser.add_argument(
        "--config",
        dest="config_file",
        type=Path,
        metavar="FILE",
        help="Configuration file (pyproject.toml or .corslint.toml).",
    )
    parser.add_argument("--no-color", action="store_true", help="Never colour the text output.")
    parser.add_argument("--statistics", action="store_true", help="Count findings per rule.")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="Neither read nor write .corslint_cache (results and replays).",
    )
    parser.add_argument(
        "--no-respect-gitignore", action="store_true", help="Read files that .gitignore and .ignore exclude."
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="Apply `exclude` to paths named on the command line too (for pre-commit, which names "
        "each file).",
    )
    parser.add_argument(
        "--max-file-size",
        type=_file_size_limit,
        metavar="BYTES",
        help="Larger files (bytes) are not parsed, only searched for CORS keywords [default: 5000000]. At least 1.",
    )


def explain(rule_id: str) -> int:
    """Explain RULE_ID (e.g. CORS101): what it finds, why it matters, how to fix it."""
    from corslint.docs import rule_markdown
    from corslint.rules import RULE_IDS, rule_by_id

    wanted = rule_id.strip().upper()
    matches = [r for r in RULE_IDS if r == wanted]
    if not matches:
        by_name = [r for r in RULE_IDS if rule_by_id(r).name == rule_id.strip().lower()]
        if not by_name:
            raise UsageError(f"`{rule_id}` is not a corslint rule (see `corslint rules`)")
        matches = by_name
    sys.stdout.write(rule_markdown(rule_by_id(matches[0])) + "\n")
    return 0


def _explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rule_id", metavar="RULE_ID", help="A rule id (CORS101) or name (credentialed-any-origin)."
    )


def rules(output_format: str) -> int:
    """List every rule."""
    import json

    from corslint.rules import RULES

    if output_format == "json":
        data: list[dict[str, Any]] = [
            {
                "id": rule.id,
                "name": rule.name,
                "level": rule.level.value,
                "raised_with_credentials": rule.raised_with_credentials,
                "summary": rule.summary,
                "tags": list(rule.tags),
                "cwe": list(rule.cwe),
                "security_severity": rule.security_severity,
            }
            for rule in RULES
        ]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.writelines(
            f"{rule.id}  {rule.name:<32} {rule.level.value:<8} {rule.summary}\n" for rule in RULES
        )
    return 0


def _rules_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", dest="output_format", choices=("text", "json"), default="text", help="[default: text]"
    )


def simulate(
    path: Path,
    origin: str,
    method: str,
    headers: Sequence[str],
    credentials: bool,
    request_path: str,
    output_format: str,
) -> int:
    """Show what a browser would do with one request, for each CORS configuration under PATH."""
    import json

    from corslint.browser import PageRequest
    from corslint.config import Settings
    from corslint.lint import lint
    from corslint.simulate import (
        answers,
        parse_header,
        policy_dict,
        render_text,
        request_dict,
        request_problem,
        simulate,
        simulation_dict,
    )

    try:
        parsed = tuple(parse_header(h) for h in headers)
    except ValueError as error:
        raise UsageError(str(error)) from None
    problem = request_problem(origin, method)
    if problem is not None:
        raise UsageError(problem)
    # as given: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so a
    # page's `patch` stays `patch`, and fails a preflight that allows `PATCH`
    request = PageRequest(origin, method, parsed, credentials, request_path)
    result = lint([path], Settings(select=("CORS001",)))
    for finding in result.findings:
        sys.stderr.write(f"corslint: {finding.location.path}:{finding.location.line}: {finding.message}\n")
    policies = result.policies
    applies = [answers(policy, request.path) for policy in policies]
    elsewhere = [policy for policy, answered in zip(policies, applies, strict=True) if not answered]
    simulations = [simulate(p, request) for p, answered in zip(policies, applies, strict=True) if answered]
    if output_format == "json":
        document = {
            "request": request_dict(request),
            "results": [simulation_dict(s) for s in simulations],
            "not_answering": [policy_dict(policy) for policy in elsewhere],
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(request, simulations, elsewhere))
    return 0


def _simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", type=_existing_path, metavar="PATH", help="A file or folder to read CORS configurations from."
    )
    parser.add_argument(
        "--origin", required=True, help="The page's origin, e.g. https://app.example.com [required]"
    )
    parser.add_argument("--method", default="GET", help="[default: GET]")
    parser.add_argument(
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="HEADER",
        help="`NAME` or `NAME: VALUE`; repeatable.",
    )
    parser.add_argument(
        "--credentials", action="store_true", help="The page sends cookies (credentials: 'include')."
    )
    parser.add_argument(
        "--path", dest="request_path", default="/", metavar="URL_PATH", help="The request path. [default: /]"
    )
    parser.add_argument(
        "--format", dest="output_format", choices=("text", "json"), default="text", help="[default: text]"
    )


class Command(NamedTuple):
    """A command: its line in `corslint -h`, its usage line, its arguments, and the
    function that runs it (its docstring's first paragraph is the command's description;
    the rest is for readers of the code)."""

    summary: str
    usage: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[..., int]

    def parser(self, name: str) -> CommandLineParser:
        parser = CommandLineParser(
            prog=f"{PROGRAM} {name}",
            usage=self.usage,
            description=(self.run.__doc__ or "").split("\n\n")[0],
            formatter_class=HelpFormatter,
            allow_abbrev=False,
        )
        self.add_arguments(parser)
        return parser


COMMANDS = {
    "check": Command(
        "Lint PATHS (default: the current directory); the default command.",
        "corslint [check] [OPTIONS] [PATHS]...",
        _check_arguments,
        check,
    ),
    "explain": Command(
        "Explain a rule: what it finds, why it matters, how to fix it.",
        "corslint explain RULE_ID",
        _explain_arguments,
        explain,
    ),
    "rules": Command("List every rule.", "corslint rules [--format text|json]", _rules_arguments, rules),
    "simulate": Command(
        "Show what a browser would do with one request, per CORS configuration.",
        "corslint simulate PATH --origin ORIGIN [OPTIONS]",
        _simulate_arguments,
        simulate,
    ),
}


if __name__ == "__main__":  # pragma: no cover
    entry()
