"""pressroom: a serverless publishing pipeline for blogs."""

__version__ = "0.1.0"
