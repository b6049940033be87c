"""The local stack: template.yaml's resources in moto, in-process, with the real handlers.

Development-only: it needs moto, which the Lambda layer does not ship.
"""
