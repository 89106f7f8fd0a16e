"""Data files read by code: JSON / YAML / TOML into values that keep their lines, once
per run, and node-config's merged configuration.

The JavaScript reader (``corslint.extractors.js``) and the config-file extractor both read
data files through this module; it imports neither of them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corslint.extractors.config_files.json_reader import read_json
from corslint.extractors.config_files.toml_reader import read_toml
from corslint.extractors.config_files.yaml_reader import read_yaml
from corslint.model import Provenance, SourceError, Value

NODE_CONFIG_FILES = ("default", "production")
NODE_CONFIG_SUFFIXES = (".json", ".yaml", ".yml")
# node-config also loads JS modules (`config/default.cjs` exporting an object, jsdelivr/
# data.jsdelivr.com); read by the caller's JS reader, which this module does not import
NODE_CONFIG_JS_SUFFIXES = (".js", ".cjs")


def read_data(path: str, text: str) -> Value | None:
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".json":
        return read_json(path, text)
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path, text)
    if suffix == ".toml":
        return read_toml(path, text)
    return None


def load_data_file(file: Path, display: str, cache: dict[str, Value | None]) -> Value | None:
    """A data file imported by code, read once per run; unreadable files give None."""
    key = os.path.realpath(file)
    if key not in cache:
        try:
            cache[key] = read_data(display, file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, SourceError, RecursionError):
            cache[key] = None
    return cache[key]


# -- node-config --------------------------------------------------------------------


def _merge(base: Value, override: Value) -> Value:
    """node-config's deep merge: objects merge key by key, anything else replaces."""
    if isinstance(base.raw, dict) and isinstance(override.raw, dict):
        entries = dict(base.raw)
        for key, value in override.raw.items():
            entries[key] = _merge(entries[key], value) if key in entries else value
        return Value(entries, override.location, Provenance.CONFIG_FILE)
    return override


def _environment_overrides(value: Value, mapping: Value) -> Value:
    """custom-environment-variables: each named leaf is an environment variable's default."""
    if not (isinstance(value.raw, dict) and isinstance(mapping.raw, dict)):
        return value
    entries = dict(value.raw)
    for key, target in mapping.raw.items():
        named = target.raw.get("__name") if isinstance(target.raw, dict) else None
        if named is not None and isinstance(named.raw, str):
            # `{"__name": "VAR", "__format": "json"}`: the variable, read through a parser
            target = named
        if isinstance(target.raw, str) and key in entries:
            current = entries[key]
            entries[key] = Value(
                current.raw, current.location, Provenance.ENV_DEFAULT, target.raw, current.description
            )
        elif isinstance(target.raw, dict) and key in entries:
            entries[key] = _environment_overrides(entries[key], target)
        elif isinstance(target.raw, str):
            entries[key] = Value(
                None, target.location, Provenance.UNKNOWN, target.raw, f"process.env.{target.raw}"
            )
    return Value(entries, value.location, value.provenance)


def node_config_files(root: Path, js: bool = False) -> list[Path]:
    directory = root / "config"
    found = []
    suffixes = (*NODE_CONFIG_JS_SUFFIXES, *NODE_CONFIG_SUFFIXES) if js else NODE_CONFIG_SUFFIXES
    for name in (*NODE_CONFIG_FILES, "custom-environment-variables"):
        for suffix in suffixes:
            if (directory / f"{name}{suffix}").is_file():
                found.append(directory / f"{name}{suffix}")
                break
    return found


def node_config_value(
    root: Path,
    display: Any,
    cache: dict[str, Value | None],
    load_js: Callable[[Path], Value | None] | None = None,
) -> Value | None:
    """config/default merged with config/production, environment mappings applied.

    `display` maps a file to the path reported for it; `load_js` reads the object a JS
    config file exports (without it, JS config files are not read)."""
    merged: Value | None = None
    environment: Value | None = None
    for file in node_config_files(root, js=load_js is not None):
        if file.suffix in NODE_CONFIG_JS_SUFFIXES:
            value = load_js(file) if load_js is not None else None
        else:
            value = load_data_file(file, display(file), cache)
        if value is None or not isinstance(value.raw, dict):
            continue
        if file.stem == "custom-environment-variables":
            environment = value
        else:
            merged = value if merged is None else _merge(merged, value)
    if merged is not None and environment is not None:
        merged = _environment_overrides(merged, environment)
    return merged
