"""The Serverless Framework: `cors` in serverless.yml."""
