"""Ignore files: .gitignore, .ignore and .git/info/exclude, as git and ripgrep apply them.

`.ignore` applies everywhere; `.gitignore` and `.git/info/exclude` only inside a git
repository (a `.git` folder or file in the folder or above it), as in ripgrep: an
exported snapshot (`git archive`, a release tarball) holds the files the repository
committed, and its `.gitignore` may name some of them (issue 14: a committed `server.js`
named there was skipped, and the project called clean). Inside a repository, the walk
asks git whether an entry such a rule ignores is tracked (`git_tracked.Repository`).

Each file's rules are compiled once into one regular expression per kind of rule (see
`IgnoreFile`), and read only when a folder below must be listed again; the files above a
walked folder count up to the repository's top.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corslint.runner.git_tracked import Repository

IGNORE_FILES = (".gitignore", ".ignore")  # later files win, as in ripgrep
GIT_EXCLUDE = ".git/info/exclude"
GIT_IGNORE_FILES = frozenset({".gitignore", GIT_EXCLUDE})  # read only inside a repository
Stamp = tuple[int, int]  # (size, change_stamp); size -1 for a file that did not exist
# file system timestamps can be this coarse (FAT: 2 s): a file modified this recently may
# change again and keep its stamp. Shared by the walk and the cache
RACY_NS = 2_000_000_000
RACY = -1  # the change stamp of a file modified too recently to be trusted: never cached
MIX = 1_000_003
STAMP_BITS = (1 << 63) - 1


@dataclass(frozen=True, eq=False)  # compared by identity: one per file read
class IgnoreFile:
    """The rules of one .gitignore/.ignore, for paths below its folder (`prefix` + walked path).

    Without negated rules, a rule with no slash in it (`*.log`, `node_modules/`) is tested
    against the entry's name alone: the walk has already pruned every ignored parent,
    so the name is all that can still match. Other rules see the relative path."""

    strip: int  # characters to drop from a walked path to make it relative to the walk root
    prefix: str  # what to put in front: the walk root's path relative to this file's folder
    fast: bool  # no negations: the regexes below decide alone
    folder_names: re.Pattern[str] | None = None  # slash-free rules, against "name/"
    file_names: re.Pattern[str] | None = None  # slash-free rules that can match a file
    paths: re.Pattern[str] | None = None  # the other rules, against the relative path
    # with negations: every rule in one search, which most paths do not match; only a path
    # that one rule matches is given to pathspec, which tries the rules one at a time
    # (54k paths against such files in a 90k-file tree of real projects: 0.17 s of 1.14 s).
    # None: the rules cannot be joined, and pathspec decides every path
    any_rule: Callable[[str], bool] | None = None
    # the lines, for pathspec (GitIgnoreSpec), compiled at the first path a rule matches: in
    # a tree of tracked files nearly none does, and compiling each rule for it cost 85 ms
    # of the walk of 54 real projects (64 ignore files with negations, 3,441 rules)
    lines: tuple[str, ...] = ()
    # with negations, and `folder_names`, `file_names` and `paths` made of every rule: they
    # answer "no rule applies" in a clean folder (see `verdict`)
    screened: bool = False
    _spec: list[Any] = field(default_factory=list)
    git: bool = False  # a .gitignore or .git/info/exclude: ignores only what git does not track

    def verdict(self, walked: str, name: str, is_dir: bool, clean: bool = False) -> bool | None:
        """True: ignored; False: re-included by a `!rule`; None: no rule applies.

        `clean`: no rule of any ignore file applied to a folder between the walk's root
        and this entry. A rule that matches a path where a folder's name ends (`build`,
        `(?:.+/)?build/` in `app/build/x.py`) matches that folder's own path, so in such
        a folder only a match ending where the path ends counts: a slash-free rule is
        tested against the name alone, as without negations (a walk of 54 real projects:
        40,381 entries checked against files with negations, 39,669 of them in clean
        folders, 0.18 s -> 0.08 s)."""
        if clean and self.screened and not self.prefix:
            return self._screened_verdict(walked, name, is_dir)
        if self.fast:
            names = self.folder_names if is_dir else self.file_names
            if names is not None and names.match(name + "/" if is_dir else name):
                return True
            if self.paths is not None:
                relative = self.prefix + walked[self.strip :] + ("/" if is_dir else "")
                if self.paths.match(relative):
                    return True
            return None
        relative = self.prefix + walked[self.strip :] + ("/" if is_dir else "")
        if self.any_rule is not None:
            # pathspec's normalisation changes no path but one starting "/" or "./" where "/"
            # is the only separator: not called for the rest (43,660 paths: 11 ms -> 3 ms)
            plain = _SLASH_ONLY and not relative.startswith(_NORMALIZED_AWAY)
            if not self.any_rule(relative if plain else _normalized(relative)):
                return None  # what pathspec answers when no rule matches
        include: bool | None = self.spec().check_file(relative).include
        return include

    def _screened_verdict(self, walked: str, name: str, is_dir: bool) -> bool | None:
        relative = walked[self.strip :] + ("/" if is_dir else "")
        if "\n" not in relative:  # (`.` does not cross a line break: left to the full test)
            names = self.folder_names if is_dir else self.file_names
            if (names is None or not names.match(name + "/" if is_dir else name)) and (
                self.paths is None or not self.paths.match(relative)
            ):
                return None
        include: bool | None = self.spec().check_file(relative).include  # (no joined search)
        return include

    def spec(self) -> Any:
        """pathspec's GitIgnoreSpec of the lines, made once."""
        if not self._spec:
            import pathspec

            self._spec.append(pathspec.GitIgnoreSpec.from_lines(self.lines))
        return self._spec[0]


_UNANCHORED = "^(?:.+/)?"
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
# how pathspec ends a rule's regex: the name, then a slash or the end; or (a trailing-slash
# rule) a slash
_ENDINGS = ("(?:(?P<ps_d>/)|$)", "(?P<ps_d>/)")


def _factored(sources: Sequence[str], starts: Sequence[str] = ()) -> list[str]:
    """The sources as fewer regexes matching the same texts: those that start with one of
    `starts` (tried in order) and end alike share one start and one ending around an
    alternation of what lies between (`^(?:.+/)?(?:dist|\\.env|[^/]*\\.log)(?:/|$)` for
    three rules). Real ignore files are mostly such rules: compiled, 0.118 s -> 0.05 s
    for the 175 of a tree of 54 real projects, and matched 2.8 times as fast (each
    rule's `(?:.+/)?` was tried on its own)."""
    groups: dict[tuple[str, str], list[str]] = {}
    factored: list[str] = []
    for source in sources:
        ending = next((e for e in _ENDINGS if source.endswith(e)), None)
        start = next((s for s in starts if source.startswith(s)), None)
        body = source[len(start or "") : len(source) - len(ending or "")]
        # (a `|` in the body: an alternation of pathspec's own would not survive the joining)
        if ending is None or start is None or len(source) < len(start) + len(ending) or "|" in body:
            factored.append(source)
            continue
        groups.setdefault((start, ending), []).append(body)
    for (start, ending), bodies in groups.items():
        factored.append(
            f"{start}(?:{'|'.join(bodies)}){ending}" if len(bodies) > 1 else start + bodies[0] + ending
        )
    return factored


def _slashless(source: str) -> str:
    """The regex without the parts that only say "a folder follows" or "not a slash"."""
    return _NAMED_GROUP.sub("(?:", source).replace("(?:/)", "").replace("[^/]", "")


_SLASH_ONLY = os.sep == "/" and os.altsep in (None, "/")
_NORMALIZED_AWAY = ("/", "./")


def _normalized(relative: str) -> str:
    return _normalize_file()(relative)


@functools.cache
def _normalize_file() -> Callable[[str], str]:
    """pathspec's own normalisation, as check_file makes the path it matches: imported once
    (an import statement in `_normalized` cost 1.3 us a path, 70 ms of a walk of 54 real
    projects whose ignore files negate rules)."""
    from pathspec.util import normalize_file

    return normalize_file


def _any_rule(sources: Sequence[str]) -> Callable[[str], bool] | None:
    """One test for "does any rule match": the regexes pathspec makes of the rules that
    are not no-ops (it compiles each of them, without flags, and searches them one at a time).
    None when they cannot be joined (a back-reference): pathspec then decides alone.

    Most rules read `^(?:.+/)?REST`: REST at the start or after a slash. Searched as one
    alternation, every rule was tried at every character of the path (0.28 s of a walk
    of 54 real projects); REST tried only where a component starts, and the rules anchored
    at the start tried there alone, ask the same question of a few positions."""
    if not sources or any("(?P=" in source for source in sources):
        return None
    flags = re.compile("").flags  # what pathspec's `re.compile(regex)` gives them
    anywhere = _factored([s[len(_UNANCHORED) :] for s in sources if s.startswith(_UNANCHORED)], ("",))
    rest = _factored([s for s in sources if not s.startswith(_UNANCHORED)], ("^",))
    sources = [_NAMED_GROUP.sub("(?:", source) for source in sources]
    anywhere = [_NAMED_GROUP.sub("(?:", source) for source in anywhere]
    rest = [_NAMED_GROUP.sub("(?:", source) for source in rest]
    try:
        if flags & re.MULTILINE or not all(s.startswith("^") for s in rest):
            joined = re.compile("|".join(f"(?:{s})" for s in sources), flags)
            return lambda path: joined.search(path) is not None
        start = re.compile("|".join(f"(?:{s})" for s in rest), flags).match if rest else None
        after_slash = re.compile("|".join(f"(?:{s})" for s in anywhere), flags).match if anywhere else None
    except re.error:
        return None

    whole: list[re.Pattern[str]] = []  # for a path with a line break, which `.` does not cross

    def matches(path: str) -> bool:
        if "\n" in path:
            if not whole:
                whole.append(re.compile("|".join(f"(?:{s})" for s in sources), flags))
            return whole[0].search(path) is not None
        if start is not None and start(path):
            return True
        if after_slash is None:
            return False
        if after_slash(path):
            return True
        # `.+/` needs a character before the slash: a component that starts past index 1
        at = path.find("/", 1)
        while at >= 0:
            if after_slash(path, at + 1):
                return True
            at = path.find("/", at + 1)
        return False

    return matches


def _lazily(sources: Sequence[str]) -> Callable[[str], bool]:
    """`_any_rule(sources)`, compiled at its first call; True (pathspec decides) for every
    path when the rules cannot be joined."""
    made: list[Callable[[str], bool]] = []

    def any_rule(path: str) -> bool:
        if not made:
            made.append(_any_rule(sources) or _ANY_PATH)
        return made[0](path)

    return any_rule


def _any_path(path: str) -> bool:
    return True


_ANY_PATH = _any_path


def _either(sources: Sequence[str]) -> re.Pattern[str] | None:
    if not sources:
        return None
    # pathspec names a group in each rule's regex; one alternation needs them anonymous
    factored = _factored(sources, (_UNANCHORED, "^"))
    return re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', source)})" for source in factored))


@functools.lru_cache(maxsize=8192)
def _rule_regex(line: str) -> tuple[str | None, bool | None]:
    """GitIgnoreSpec's regex for one rule, uncompiled, and whether it ignores (None: a
    no-op line): made once per run for each distinct line (6,166 lines in the ignore
    files of 54 real projects, 2,012 distinct: 19 ms -> 12 ms)."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    regex, include = GitIgnoreSpecPattern.pattern_to_regex(line)
    return regex, include


def load_ignore_files(
    directory: str, names: Sequence[str], strip: int, prefix: str, git: bool = False
) -> IgnoreFile | None:
    lines: list[str] = []
    for name in names:
        try:
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                lines.extend(handle.read().splitlines())
        except OSError:
            continue
    if not lines:
        return None
    # each rule's regex as GitIgnoreSpec makes it, not compiled: without negations only
    # the joined regexes below are (181 ignore files of real projects: 0.07 s of a walk)
    rules = []
    valid: list[str] = []
    for line in lines:
        if not line:
            continue
        try:
            rules.append(_rule_regex(line))
        except ValueError:  # `reqLog.log\` (a trailing backslash): git matches nothing with it
            continue
        valid.append(line)
    lines = valid
    sources = [regex for regex, include in rules if include is not None and regex is not None]
    if not sources:
        return None
    folder_names, file_names, paths = _split(sources)
    if any(include is False for _, include in rules):
        # the split, for clean folders: only where every slash-free rule ends a name and
        # every other rule is anchored at the path's start, as `paths.match` tests it
        named = None
        if all(s.startswith("^") for s in paths) and not any("(?P=" in s for s in sources):
            try:
                named = (_either(folder_names), _either(file_names), _either(paths))
            except re.error:
                named = None
        if named is None:
            return IgnoreFile(
                strip, prefix, fast=False, any_rule=_any_rule(sources), lines=tuple(lines), git=git
            )
        # the joined search, made when a folder that is not clean needs it (most walks: never)
        return IgnoreFile(
            strip,
            prefix,
            False,
            *named,
            any_rule=_lazily(sources),
            lines=tuple(lines),
            screened=True,
            git=git,
        )
    return IgnoreFile(
        strip, prefix, True, _either(folder_names), _either(file_names), _either(paths), git=git
    )


def _split(sources: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """The rules a name alone can answer (as `^rest`, for folders and for files), and the
    rest, which see the relative path."""
    folder_names: list[str] = []
    file_names: list[str] = []
    paths: list[str] = []
    for source in sources:
        rest = source[len(_UNANCHORED) :]
        if source.startswith(_UNANCHORED) and rest.endswith(_ENDINGS) and "/" not in _slashless(rest):
            folder_names.append("^" + rest)
            if not rest.endswith("(?P<ps_d>/)"):  # a trailing-slash rule names folders only
                file_names.append("^" + rest)
        else:
            paths.append(source)
    return folder_names, file_names, paths


def decided(
    rules: Sequence[IgnoreFile], walked: str, name: str, is_dir: bool, clean: bool = False
) -> bool | None:
    """True: ignored; False: re-included; None when no rule of any of the files applies."""
    for rule in reversed(rules):  # the deepest ignore file decides first
        verdict = rule.verdict(walked, name, is_dir, clean)
        if verdict is not None:
            return verdict
    return None


def ignored(rules: Sequence[IgnoreFile], walked: str, name: str, is_dir: bool, clean: bool = False) -> bool:
    return decided(rules, walked, name, is_dir, clean) is True


def ignored_by_git(
    rules: Sequence[IgnoreFile], walked: str, name: str, is_dir: bool, clean: bool = False
) -> bool:
    """Whether what ignores an entry `ignored` ignores is a .gitignore or
    .git/info/exclude rule (git then reads the entry if it is tracked), not a `.ignore`'s."""
    if all(rule.git for rule in rules):
        return True
    for rule in reversed(rules):
        verdict = rule.verdict(walked, name, is_dir, clean)
        if verdict is not None:
            return rule.git
    return False


# every entry below a folder git ignores is ignored, unless git tracks it
EVERYTHING = IgnoreFile(0, "", True, re.compile(""), re.compile(""), git=True)


def strip_length(directory: str) -> int:
    if directory == ".":
        return 0
    return len(directory) if directory.endswith("/") else len(directory) + 1


def change_stamp(info: os.stat_result) -> int:
    """What tells that a file (or a folder's list of entries) may have changed: its mtime
    and its ctime together, or RACY when the mtime is too recent to be trusted.

    The ctime is set by the kernel on every write, rename or `touch -r`, and no repository
    content can choose it: an edit that keeps the size and puts the mtime back still
    changes the stamp. Mixed into one number so that records keep two numbers a file: a
    write moves both times by the same amount, which changes the mix for any change under
    146 years; a `touch -r` keeps the mtime and moves the ctime, which always changes it.
    (Where the ctime is a creation time, as on Windows, the mtime alone is compared.)"""
    mtime = info.st_mtime_ns
    if mtime > time.time_ns() - RACY_NS:
        return RACY
    return (mtime * MIX + info.st_ctime_ns) & STAMP_BITS


def stamp_of(path: str) -> Stamp:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, 0)
    return (info.st_size, change_stamp(info))


@dataclass(eq=False)  # compared by identity: one per folder holding ignore files
class IgnoreSource:
    """One folder's ignore files, read only when a folder below must be listed again."""

    directory: str
    names: tuple[str, ...]
    strip: int
    prefix: str
    token: str  # the files' paths and stamps, and how paths below are made relative
    git: bool = False  # .gitignore / .git/info/exclude (`GIT_IGNORE_FILES`), not .ignore
    _rules: IgnoreFile | None = None
    _loaded: bool = False

    def rules(self) -> IgnoreFile | None:
        if not self._loaded:
            self._rules = load_ignore_files(self.directory, self.names, self.strip, self.prefix, self.git)
            self._loaded = True
        return self._rules


@dataclass(eq=False)
class RuleSet:
    """The ignore files in force in a folder, outermost first, and the git repository
    the folder lies in (None: outside any, where only `.ignore` files count)."""

    sources: tuple[IgnoreSource, ...] = ()
    token: str = ""  # equal tokens: the same rules, without reading them
    trusted: bool = True  # no ignore file so recent that an edit could keep its stamp
    repo: Repository | None = None
    # below a folder a git rule ignores, holding tracked files: only those count
    forced: bool = False
    _files: list[IgnoreFile] | None = None

    def extend(self, source: IgnoreSource, trusted: bool) -> RuleSet:
        return RuleSet(
            (*self.sources, source), _mixed(self.token, source.token), self.trusted and trusted, self.repo
        )

    def entering(self, repo: Repository) -> RuleSet:
        """The rules at a repository's top: an outer repository's .gitignore files stop
        there (its own start), as in ripgrep and git; `.ignore` files go on."""
        sources = tuple(source for source in self.sources if not source.git)
        return RuleSet(sources, _mixed(self.token, f".git {repo.top}"), self.trusted, repo)

    def forcing(self) -> RuleSet:
        """The rules below a folder a git rule ignores: every entry is ignored unless tracked."""
        return RuleSet((), _mixed(self.token, "forced"), self.trusted, self.repo, True, [EVERYTHING])

    @property
    def files(self) -> list[IgnoreFile]:
        if self._files is None:
            self._files = [r for r in (s.rules() for s in self.sources) if r is not None]
        return self._files


def _mixed(token: str, more: str) -> str:
    return hashlib.sha1(f"{token}\n{more}".encode("utf-8", "surrogateescape")).hexdigest()


def _source(
    directory: str,
    names: Sequence[str],
    strip: int,
    prefix: str,
    git: bool,
) -> tuple[IgnoreSource, bool] | None:
    """The ignore files of a folder that exist, stamped; None when there are none."""
    stamps = [(name, stamp_of(os.path.join(directory, name))) for name in names]
    present = [(name, stamp) for name, stamp in stamps if stamp[0] >= 0]
    if not present:
        return None
    token = f"{directory}|{strip}|{prefix}|{present!r}"
    trusted = all(stamp != RACY for _, (_, stamp) in present)
    return IgnoreSource(directory, tuple(name for name, _ in present), strip, prefix, token, git), trusted


def ancestor_rules(root: str) -> RuleSet:
    """Ignore files above a walk root, up to the repository's top (none outside a
    repository: the root's own `.ignore` and those below still count)."""
    real = os.path.realpath(root)
    rules = RuleSet()
    if repository_top(real):
        return rules  # (the walk enters the repository at the root)
    directory = os.path.dirname(real)
    chain: list[str] = []
    while True:
        chain.append(directory)
        if repository_top(directory):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            return rules
        directory = parent
    rules = rules.entering(Repository(chain[-1], os.path.relpath(real, chain[-1]).replace(os.sep, "/")))
    for ancestor in reversed(chain):  # outermost first, so deeper files override
        prefix = os.path.relpath(real, ancestor).replace(os.sep, "/") + "/"
        top = ancestor == chain[-1]
        for names, git in (
            ((GIT_EXCLUDE, ".gitignore") if top else (".gitignore",), True),
            ((".ignore",), False),
        ):
            found = _source(ancestor, names, strip_length(root), prefix, git)
            if found is not None:
                rules = rules.extend(*found)
    return rules


def repository_top(directory: str) -> bool:
    """Whether `directory` is a repository's top folder (it holds `.git`)."""
    return os.path.exists(os.path.join(directory, ".git"))


def _ancestor_ignore_files(root: str) -> list[IgnoreFile]:
    return ancestor_rules(root).files


def own_token(directory: str, stamps: list[Any]) -> str:
    present = [(name, (size, mtime)) for name, size, mtime in stamps if size >= 0]
    return f"{directory}|{strip_length(directory)}||{present!r}"


@functools.lru_cache(maxsize=1024)
def file_names(rules: tuple[IgnoreFile, ...]) -> re.Pattern[str] | None:
    patterns = [r.file_names.pattern for r in rules if r.file_names is not None]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
