"""The runner: everything around the engine that touches the machine.

discovery and ignore_files walk the paths; file_stats stats what the walk found; cache
and cache_format keep what files yielded between runs; prefilter reads a file's bytes
and decides whether to parse; workers (over channel) parse in fenced-off processes;
settings reads corslint's own configuration; run ties them together into a RunResult
(result). The runner calls the engine (corslint.engine); the engine never calls it.
Nothing here renders a report or parses a command line.
"""
