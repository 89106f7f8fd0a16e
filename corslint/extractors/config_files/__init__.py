"""JSON / YAML / TOML files holding the ``cors`` package's options, with line numbers.

A mapping is a CORS configuration when it sits under a key named ``cors`` (or
``corsOptions``), or fills a file named for CORS, and its keys include the package's
option names. Such a file is a policy of its own until JavaScript in the same Node
project reads it (``require("./cors.json")``, ``import c from "./cors.yaml"``, node-config's
``config.get("cors")``); the Express extractor then reports the options at the file's own
lines, and this extractor stays silent so nothing is judged twice.

JSON is read by a small position-keeping reader (the standard library drops positions),
YAML with ``yaml.compose`` on ``SafeLoader`` (no tags beyond the safe ones, no objects) and
a bound on alias expansion, TOML with tomllib/tomli.
"""
