"""Powertools for AWS Lambda (Python) event handler CORS (`CORSConfig`)."""
