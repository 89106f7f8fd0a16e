"""JavaScript / TypeScript reading for the JS extractors: tree-sitter parsing and a value resolver.

Grammars: tree-sitter-javascript (JS, JSX, ESM and CommonJS) and tree-sitter-typescript
(TS and TSX), loaded on first use so that a tree without JavaScript never imports them.

The resolver mirrors the Python one (``extractors.python``): it folds literals, names bound once (``const``,
or ``let``/``var`` never reassigned), object spread and later property assignment
(``opts.credentials = true``), string concatenation and template literals, ``split`` /
``map(trim)`` / ``filter(Boolean)`` on known strings, ``process.env.X || default`` (the
default is judged, "when X is unset"), ``new RegExp("literal", "flags")``, ``new Set([...])``
and imports of in-tree JSON / YAML / JS modules and node-config's ``config.get("key")``.
Anything else is an unknown `Value`, reported by CORS305, never guessed.
"""
