"""The version of bargaining (one place)."""

__version__ = "0.1.0"
