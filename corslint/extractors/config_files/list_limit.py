"""How many entries of one list the data-file readers keep.

Each entry kept is a `Value` and a `Location` (a few hundred bytes): a 900k-entry origin
list cost 500 MB. A longer list is skipped without building its entries and stands as an
undetermined value, which CORS305 reports, so a user learns what was not checked."""

from __future__ import annotations

MAX_LIST_ENTRIES = 10_000
TOO_LONG = f"a list of more than {MAX_LIST_ENTRIES:,} entries, which corslint does not read"
