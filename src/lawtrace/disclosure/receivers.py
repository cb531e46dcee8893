"""The case's names changed: its published items are scanned again (IMD-8, issue 16).

A party's name, representative or kind (当事人) decides what the redaction detector masks in the case's public items.
Whatever changes a party — a service, the configuration site, a correction typed in a shell — the case's public
items are re-scanned in the same transaction: an item whose public text now shows a name the case knows leaves the
public site for review (``services.rescan_published``, one ledger entry per item taken back). This is a receiver,
not a call in each writer, because a writer that forgot the call would leave a name online; it writes no history
of its own (the rescan's ledger entry is written by the rescan). Writes that bypass ``save()`` (``QuerySet.update``)
must call ``rescan_published(case=…)`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lawtrace.cases.models import Party


@receiver(post_save, sender=Party, dispatch_uid="lawtrace.disclosure.party_saved")
def party_saved(sender: type[Party], instance: Party, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loading fixtures: no scan
        return
    from lawtrace.disclosure.services import rescan_published

    with transaction.atomic():
        rescan_published(case=instance.case)
