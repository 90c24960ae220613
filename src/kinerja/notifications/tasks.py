"""Background work of the notifications (django-tasks; the database backend by default, no broker).

`send_notification_emails` is enqueued by `services.notify_each` after the transaction commits, so a slow or
absent mail server never holds the request that notified somebody.
"""

from __future__ import annotations

from django_tasks import task

from . import services

__all__ = ["send_notification_emails"]


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send the e-mails owed for these notifications; returns the number sent."""
    return services.send_emails(notification_ids=notification_ids)
