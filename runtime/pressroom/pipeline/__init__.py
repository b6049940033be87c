"""The three stages of the pipeline, as plain objects over injected stores.

Handlers parse events and build these; tests and the local stack drive them the same way.
"""
