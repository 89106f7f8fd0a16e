"""The `tornado-cors` package (`CorsMixin` handlers)."""
