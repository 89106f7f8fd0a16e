"""Upper-case host names inside an origin regex (census 6 P23: CEIA-Prefeitura/gee-integrator-api,
`allow_origin_regex=r"^https:\\/\\/(ceia\\.ufg\\.br|CEIA-Prefeitura\\.github\\.io)$"`): browsers send the
host in lower case, so where the framework matches case-sensitively (Starlette, django-cors-headers)
that alternative never matches. Whether it does is asked of the framework's own matching: a
regex it compiles case-insensitively (Flask-CORS) admits the lower-case origin and is left alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from corslint.rules.base import PolicyProbe

# a host spelt literally in a regex: labels joined by escaped dots, at least one upper-case letter
_ESCAPED_HOST = re.compile(r"(?<![\w\\-])((?:[A-Za-z0-9-]+\\\.)+[A-Za-z]{2,})(?![\w-])")


@dataclass(frozen=True)
class CaseBlocked:
    """A host alternative the regex admits only as written, never as a browser sends it."""

    written: str  # the origin as the regex spells it
    sent: str  # the origin the browser sends


def case_blocked_hosts(probe: PolicyProbe, pattern: str, path: str) -> Iterator[CaseBlocked]:
    """The hosts written with upper case in `pattern` that the policy admits spelt that way
    and refuses in lower case (each once; `https` tried before `http`)."""
    seen: set[str] = set()
    for match in _ESCAPED_HOST.finditer(pattern):
        host = match.group(1).replace("\\.", ".")
        if host == host.lower() or host in seen:
            continue
        seen.add(host)
        for scheme in ("https", "http"):
            written = f"{scheme}://{host}"
            if probe.allows(written, path=path):
                sent = written.lower()
                if not probe.allows(sent, path=path):
                    yield CaseBlocked(written, sent)
                break
