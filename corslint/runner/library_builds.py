"""Browser libraries copied into a project (jQuery, pdf.js, moment under `static/`,
`public/vendor/`): no server configuration is in them, yet they name CORS in passing
(jQuery's `support.cors`, pdf.js's `mode: "cors"`, moment's Italian `scorsa`) and were
0.76 s of the Node extractors' CPU on a tree of 54 real projects, for no finding.

Such a file is recognised by its head alone: the license banner of a known browser
library, or a UMD wrapper (`typeof define === "function" && define.amd`), which only code
built to run in a page as well as under a module loader carries. It is not read as a
file of its own, and is said to be skipped (never silently, as a minified bundle is);
server code that imports it still reads it through its import.
"""

from __future__ import annotations

import re

HEAD_BYTES = 3072  # a banner or wrapper opens the file; a comment header may come first

# the lowered head of the file, searched for one of these
_LIBRARY_HEADS = re.compile(
    rb"(?P<jquery>jquery javascript library)"
    # the notice LibreJS looks for: JavaScript shipped to a browser (pdf.js prints it)
    rb"|(?P<licstart>@licstart)"
    rb"|(?P<moment>//! moment\.js)"
    rb"|(?P<umd>typeof\s+define\s*===?\s*[\"']function[\"']\s*&&\s*define\.amd)"
    # webpack's and terser's spelling: `"function"==typeof define&&define.amd` (a 3 MB
    # swagger-ui-bundle.js copied into a Starlite project's static/ took 4-5 s to read)
    rb"|(?P<umd_reversed>[\"']function[\"']\s*===?\s*typeof\s+define\s*&&\s*define\.amd)"
)
_WHAT = {
    "jquery": "jQuery's license banner",
    "licstart": "a @licstart notice for JavaScript shipped to browsers",
    "moment": "moment.js's banner",
    "umd": "a UMD wrapper",
    "umd_reversed": "a UMD wrapper",
}
# the extractors that read JS/TS as code; a file another extractor also wants is read
JS_CODE_EXTRACTORS = frozenset({"express", "unmodelled_js"})
JS_CODE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")


def library_build(lowered_head: bytes) -> str | None:
    """What marks the file as a copied browser library (for the skip note), or None."""
    found = _LIBRARY_HEADS.search(lowered_head)
    if found is None or found.lastgroup is None:
        return None
    return _WHAT[found.lastgroup]


def skip_reason(name: str, lowered: bytes, wanted_names: frozenset[str]) -> str | None:
    """The note for a JS/TS file that only the JS code extractors want and that is a
    copied browser library, or None when it is read as usual."""
    if not name.endswith(JS_CODE_SUFFIXES) or not wanted_names <= JS_CODE_EXTRACTORS:
        return None
    what = library_build(lowered[:HEAD_BYTES])
    if what is None:
        return None
    return f"not analysed: a copied browser library ({what}), not server configuration"
