"""`python -m corslint`: the `corslint` command."""

import os
import sys

# `python -m` puts the working folder first on sys.path, where a linted project's own
# `platform/` or `uuid.py` would shadow the standard library modules that corslint and
# click import (click imports uuid, which imports platform). corslint reads that folder's
# files; it never imports them.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from corslint.cli import entry

entry()
