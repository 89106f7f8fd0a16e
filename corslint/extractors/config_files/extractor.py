"""JSON / YAML / TOML files holding the ``cors`` package's options, with line numbers.

A mapping is a CORS configuration when it sits under a key named ``cors`` (or
``corsOptions``), or fills a file named for CORS, and its keys include the package's
option names. Such a file is a policy of its own until JavaScript in the same Node
project reads it (``require("./cors.json")``, ``import c from "./cors.yaml"``, node-config's
``config.get("cors")``); the Express extractor then reports the options at the file's own
lines, and this extractor stays silent so nothing is judged twice.
"""

from __future__ import annotations

import os
from pathlib import Path

from corslint.extractors.config_files.byte_screen import may_name_data_file, never_configuration
from corslint.extractors.config_files.cors_parts import CORS_KEYS, read_cors_parts
from corslint.extractors.config_files.data_files import node_config_files, read_data
from corslint.extractors.config_files.loopback_middleware import is_loopback_middleware, loopback_extraction
from corslint.extractors.context import ProjectContext
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.project_files import is_development_path, project_files, project_root
from corslint.extractors.python.project_files import texts_holding
from corslint.frameworks.express import OPTION_NAMES  # the cors package's options
from corslint.model import CorsPolicy, Extraction, SourceError, Value

NEEDLES = (b"origin", b"Origin", b"cors", b"CORS", b"Cors")
SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})

# -- standalone policies --------------------------------------------------------------


def cors_mappings(value: Value, named_for_cors: bool) -> list[Value]:
    """Mappings holding the package's options: under a `cors` key, or the whole file."""
    found: list[Value] = []

    def is_options(candidate: Value) -> bool:
        return (
            isinstance(candidate.raw, dict)
            and bool(candidate.raw)
            and not OPTION_NAMES.isdisjoint(candidate.raw)
        )

    def visit(node: Value, depth: int) -> None:
        if depth > 20 or not isinstance(node.raw, dict):
            return
        for key, item in node.raw.items():
            if key.lower() in CORS_KEYS and is_options(item):
                found.append(item)
            else:
                visit(item, depth + 1)

    if named_for_cors and is_options(value) and "origin" in value.raw:
        return [value]
    visit(value, 0)
    return found


def _used_files(root: Path, context: ProjectContext, data_file: str) -> set[str]:
    """Real paths of the data files the project's JavaScript reads, of those that could
    be `data_file`: only modules whose bytes name its stem (`data` for `app/data.yml`,
    or `config` for a node-config folder) are parsed. Parsing every module of a project
    to place one small data file cost 32 MB and most of a run on a real tree."""
    stem = os.path.splitext(os.path.basename(data_file))[0].encode("utf-8", "replace")
    in_config_folder = os.path.basename(os.path.dirname(os.path.abspath(data_file))) == "config"
    needles = (stem, b"config") if in_config_folder else (stem,)
    key = f"config_files.used:{root}:{needles!r}"
    cached = context.shared.get(key)
    if isinstance(cached, set):
        return cached
    project = context.shared.get("js_project")
    if not isinstance(project, JsProject):
        project = JsProject(context)
        context.shared["js_project"] = project
    used: set[str] = set()
    for file in _project_sources(root):
        try:
            data = file.read_bytes()
            if not may_name_data_file(data, needles):  # (PERF) in a string, as a path names it
                continue
            module: JsModule = project.module(os.path.relpath(file), data.decode("utf-8"), file)
        except (OSError, UnicodeDecodeError, SourceError):
            continue
        for specifier, _ in module.imports.values():
            if specifier == "config":
                # every data file of node-config's folder is node-config's: default and
                # production are read through the JS that reads them; one for another
                # deployment (`staging.json`) or none (`default_infra.json`, which node-config
                # loads only when NODE_ENV names it: FredericHeem/starhackit) is not the
                # production configuration, and its options are those of whatever package
                # the JS hands them to
                used.update(os.path.realpath(f) for f in node_config_files(root))
                used.update(os.path.realpath(f) for f in _config_folder_data(root))
                continue
            target = project.resolve_specifier(module, specifier)
            if target is not None:
                used.add(os.path.realpath(target))
        for node in module.of_kind("call_expression"):
            target = module.read_file_target(node)
            if target is not None:
                used.add(os.path.realpath(target))
    context.shared[key] = used
    return used


def _config_folder_data(root: Path) -> list[Path]:
    folder = root / "config"
    if not folder.is_dir():
        return []
    return [file for file in folder.iterdir() if file.suffix.lower() in _DATA_SUFFIXES and file.is_file()]


_DATA_SUFFIXES = frozenset({".json", ".json5", ".yaml", ".yml", ".toml"})


def _read_by_python(path: str, context: ProjectContext) -> bool:
    """Whether a Python module of the project names the file (`open(".../config.yaml")`):
    its `cors` mapping is then that app's settings, not the `cors` package's options."""
    texts = texts_holding(path, os.path.basename(path).encode(), context.shared)
    return bool(texts)


def _project_sources(root: Path) -> list[Path]:
    return list(project_files(root))


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    name = os.path.basename(path)
    if never_configuration(name):
        return Extraction()
    named_for_cors = "cors" in name.lower()
    try:
        # a data file is read for its CORS part alone, unless it is named for CORS
        value = read_data(path, text) if named_for_cors else read_cors_parts(path, text)
    except SourceError:
        if named_for_cors:
            raise
        return Extraction()  # a data file that is not ours to judge
    if value is None:
        return Extraction()
    if is_loopback_middleware(path):  # LoopBack 3: `"cors": {"params": {...}}` per phase
        return loopback_extraction(path, value)
    mappings = cors_mappings(value, named_for_cors)
    if not mappings:
        return Extraction()
    root = project_root(Path(path))
    if root is None and _read_by_python(path, context):
        return Extraction()  # no Node project: a Python app's settings file (python/data_files.py)
    if root is not None and os.path.realpath(path) in _used_files(root, context, path):
        return Extraction()
    policies = [
        CorsPolicy(
            framework="express",
            location=mapping.location,
            options={key: item for key, item in mapping.raw.items() if key in OPTION_NAMES},
            development_only=is_development_path(path),
            label=f"cors options in {path}",
        )
        for mapping in mappings
    ]
    return Extraction(policies=tuple(policies))
