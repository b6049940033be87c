"""The six stages of the pipeline (validate, render, republish, aggregate, assets, notify), as
plain objects over the ports in pressroom.ports.

Handlers parse events and call these; the unit tests drive them over in-memory ports, the local
stack over moto, the same way.
"""
