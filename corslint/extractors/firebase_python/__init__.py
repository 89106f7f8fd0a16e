"""Firebase Functions for Python (`@https_fn.on_request(cors=options.CorsOptions(...))`)."""
