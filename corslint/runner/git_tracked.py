"""The files git tracks, for the walk: a committed file is read even where a `.gitignore`
rule names it.

Git ignores only untracked files: `git add -f server.js` (or a `.gitignore` written
after the commit) leaves `server.js` in the repository, and a linter that skipped it
would call a project with CORS code clean. The walk asks a `Repository` only about an
entry a `.gitignore` or `.git/info/exclude` rule ignores, and the repository runs
`git ls-files` once, at the first such question: a tree where no rule ignores anything,
or a repository without an index (nothing tracked), never starts git. A tree of 54
real projects committed as one repository (70k tracked files, 111 of them ignored by
a rule): git 12-19 ms of CPU and 30-50 ms of wall time, its output split in
about 10 ms, a cold run's CPU unchanged (`benchmarks/ab.py`, 5 rounds: 1.00).

Git is never allowed to run anything of the repository's: `core.fsmonitor` (a command
the repository's config can name) is turned off, and the variables that would point
git at another repository are dropped. Without git, or when git fails (a repository
owned by another user, a broken `.git`), the rules decide alone, as ripgrep's do, and
the walk says so once per repository (`Repository.failure`).
"""

from __future__ import annotations

import bisect
import os

# what would make git read another repository than the one whose top holds `.git`
_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
TIMEOUT = 60.0


class Repository:
    """A git repository the walk is inside: `top` is the real path of the folder holding
    `.git`; `within` the part of it the walk covers (relative to `top`, "" for all)."""

    def __init__(self, top: str, within: str = "") -> None:
        self.top = top
        self.within = within
        self.failure: str | None = None  # why git could not say (the walk then notes it)
        self.reported = False  # the failure noted already
        self.asked = 0  # questions asked: a listing that asked depends on the index
        # what such a listing depends on: the index's stamp, set by the walk ("" when it
        # cannot be trusted: nothing is remembered then)
        self.index_token: str | None = None
        self._paths: list[bytes] | None = None  # as git sorts them: by their bytes

    def relative(self, real: str) -> str:
        """A folder's path relative to the top ("" for the top), from its real path."""
        relative = real[len(self.top) + 1 :] if len(real) > len(self.top) else ""
        return relative.replace(os.sep, "/") if os.sep != "/" else relative

    def tracked_file(self, relative: str) -> bool | None:
        """Whether git tracks the file (a path relative to the top); None: unknown."""
        paths = self._tracked()
        if paths is None:
            return None
        path = os.fsencode(relative)
        at = bisect.bisect_left(paths, path)
        return at < len(paths) and paths[at] == path

    def tracked_below(self, relative: str) -> bool | None:
        """Whether git tracks a file below the folder; None: unknown."""
        paths = self._tracked()
        if paths is None:
            return None
        folder = os.fsencode(relative) + b"/"
        at = bisect.bisect_left(paths, folder)
        return at < len(paths) and paths[at].startswith(folder)

    def index_path(self) -> str:
        """The index file: in `.git`, or where a `.git` file (a worktree, a submodule) points."""
        dot_git = os.path.join(self.top, ".git")
        if os.path.isfile(dot_git):  # `gitdir: <path>`
            try:
                with open(dot_git, encoding="utf-8", errors="replace") as handle:
                    line = handle.readline(4096).strip()
            except OSError:
                line = ""
            if line.startswith("gitdir:"):
                return os.path.join(self.top, line[len("gitdir:") :].strip(), "index")
        return os.path.join(dot_git, "index")

    def _tracked(self) -> list[bytes] | None:
        self.asked += 1
        if self._paths is None and self.failure is None:
            # no index (`git init` and nothing added, an empty `.git`): nothing is tracked
            exists = os.path.exists(self.index_path())
            output, self.failure = _ls_files(self.top, self.within) if exists else (b"", None)
            # bytes, split once (70k paths: about 10 ms), searched in git's order: a
            # search of the whole output for each question cost 1.4 ms
            self._paths = output.split(b"\0")[:-1]
        return self._paths if self.failure is None else None


def _ls_files(top: str, within: str) -> tuple[bytes, str | None]:
    """`git ls-files` of the folder: the tracked paths, each followed by a NUL, or why
    git could not list them."""
    # imported here, where git runs: most runs never start it (subprocess and shutil: 3-4 ms)
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        return b"", "git is not installed"
    environment = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
    environment["GIT_OPTIONAL_LOCKS"] = "0"  # never write the index
    # a broken `.git` must not lead git to a repository further up
    environment["GIT_CEILING_DIRECTORIES"] = os.path.dirname(top)
    command = [git, "-C", top, "-c", "core.fsmonitor=false", "ls-files", "-z", "--cached"]
    if within:
        command += ["--", f":(literal){within}"]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=environment,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return b"", f"git could not run ({error})"
    if done.returncode != 0:
        message = os.fsdecode(done.stderr).strip().splitlines()
        return b"", f"git ls-files failed ({message[0] if message else f'exit {done.returncode}'})"
    return done.stdout, None
