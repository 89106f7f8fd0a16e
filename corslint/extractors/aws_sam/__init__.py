"""AWS SAM templates: `Cors` / `CorsConfiguration` of API Gateway APIs."""
