"""The `falcon-cors` package (`falcon_cors.CORS`)."""
