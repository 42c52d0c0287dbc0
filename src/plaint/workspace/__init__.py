"""The staff workspace: the inbox, a case's page, staff intake, follow-up, procedure administration (docs/workspace.md).

Thin pages over the cases, organisations and procedures services and selectors; what is new here are the inbox's own
reads (`selectors.py`), full-text search (`search.py`) and each person's saved views (`models.SavedView`).
"""
