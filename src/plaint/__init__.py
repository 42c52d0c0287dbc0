"""Plaint: an open-source complaints-handling system."""

__version__ = "0.1.0"
