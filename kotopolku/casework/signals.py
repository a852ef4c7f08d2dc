"""Events of the referral lifecycle, for apps above casework (notifications) to subscribe to.

Sent by the referral services inside their transaction, after the change is saved:
`referral_changed.send_robust(sender=Referral, referral=referral, event=..., actor=actor)` with
`event` one of "sent", "accepted", "rejected", "completed", "withdrawn".
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

referral_changed = Signal()


def referral_event(referral, event: str, actor) -> None:
    for receiver, result in referral_changed.send_robust(
        sender=type(referral), referral=referral, event=event, actor=actor
    ):
        if isinstance(result, Exception):
            logger.error("referral %s %s: %r failed: %r", referral.pk, event, receiver, result)
