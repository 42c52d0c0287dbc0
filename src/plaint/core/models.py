"""Operational records of the task queue: worker heartbeats and queue probes (no domain data lives in `core`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time a task consumer (`plaint worker`) ran its heartbeat task; one row per worker process."""

    worker = models.CharField(_("worker"), max_length=200, unique=True, help_text=_("host:process id"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker} at {self.last_seen:%Y-%m-%d %H:%M:%S}"


class QueueProbe(models.Model):
    """A no-op job an operator sends through the task queue to prove that a worker picks up work end to end."""

    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    processed_by = models.CharField(_("processed by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("queue probe")
        verbose_name_plural = _("queue probes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"probe {self.pk}"
