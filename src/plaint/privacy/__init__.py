"""Data protection: retention per procedure, legal holds, anonymisation and data-subject requests (docs/privacy.md)."""
