"""The `bottle-cors-plugin` package (`cors_plugin(...)`)."""
