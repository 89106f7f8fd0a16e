"""Responder (`responder.API(cors=True, cors_params=...)`)."""
