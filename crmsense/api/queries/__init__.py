"""Read-side queries behind the API resources and the dashboard pages.

Each module answers one resource with the response schemas of :mod:`crmsense.api.schemas`,
over the stored snapshots of :mod:`crmsense.signals` and the alerts of
:mod:`crmsense.alerts`; the routes and the pages only call these.
"""
