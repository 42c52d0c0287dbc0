"""Operator endpoints of the `core` app, mounted under /ops/ (staff only, JSON)."""

from django.urls import path

from plaint.core import views

app_name = "core"
urlpatterns = [
    path("queue-probes", views.queue_probe_create, name="queue-probe-create"),
    path("queue-probes/<int:probe_id>", views.queue_probe_detail, name="queue-probe-detail"),
]
