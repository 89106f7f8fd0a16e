"""AWS CDK stacks in Python: API Gateway CORS preflight options (`aws_cdk.aws_apigateway`)."""
