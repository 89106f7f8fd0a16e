"""CORS libraries corslint does not model yet: found so that a project using one is told
its configuration was not checked (CORS003), rather than "No CORS problems found"."""
