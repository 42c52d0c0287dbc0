"""Bundled procedure files and the Django side of procedures (versions per organisation, activation)."""

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"
