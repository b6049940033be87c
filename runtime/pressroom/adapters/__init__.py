"""Storage and messaging behind small classes that take their boto3 client."""
