"""`django-cors-middleware`, the old fork of django-cors-headers 1.x (HanSaloZu/drf-blog-api
pins 1.5.0): the same `corsheaders` package and middleware path, but it reads only the
pre-3.0 names (`CORS_ORIGIN_WHITELIST`, `CORS_ORIGIN_REGEX_WHITELIST`,
`CORS_ORIGIN_ALLOW_ALL`; read from the 1.5.0 wheel's corsheaders/defaults.py) and compares
whitelist entries with the Origin's netloc (`url.netloc not in CORS_ORIGIN_WHITELIST`,
corsheaders/middleware.py). Its users have no `CORS_ALLOWED_ORIGINS` to rename to: a
project pinning the fork is modelled as django-cors-headers before 3.0."""

from __future__ import annotations

from corslint.frameworks.django_cors import ALIASES, FIRST_SCHEMED_MAJOR
from corslint.model import Value

FORK = "django-cors-middleware"
FORK_MODEL = 1  # the django-cors-headers major whose model the fork follows


def without_unread_names(options: dict[str, Value], pinned: int | None) -> dict[str, Value]:
    """Before 3.0, and in the fork, a `CORS_ALLOWED_ORIGINS` (or regex, allow-all) written
    beside its legacy name is never read: the legacy name decides. The unread one is left
    out of the policy, so that findings point at what the library reads and no note asks
    for a value that changes nothing."""
    if pinned is None or pinned >= FIRST_SCHEMED_MAJOR:
        return options
    unread = {new for new, legacy in ALIASES.items() if new in options and legacy in options}
    return {name: value for name, value in options.items() if name not in unread} if unread else options
