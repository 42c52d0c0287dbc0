"""Shared fixtures. Each app's factories live beside its tests (tests/<app>/factories.py)."""
