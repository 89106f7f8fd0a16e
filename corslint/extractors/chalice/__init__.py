"""AWS Chalice route CORS: `@app.route(..., cors=True | CORSConfig(...))`."""
