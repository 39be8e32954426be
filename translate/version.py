"""The package's version: a ground module any layer may import."""

__version__ = "0.1.0"
