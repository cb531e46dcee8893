"""WS-12 (and IMR-13): registered preservation and sealing must be recorded by audio/video for their whole
duration, so the act cannot be completed — its record (先行登记保存证据通知书, 封存决定书…) cannot be signed —
without an AV record of that act, with stored files, spanning the moment it was done.

:func:`require_full_recording` is the check; ``records.services.sign_record`` calls it before the signature is
written, so a refused signature writes nothing — neither the signature nor its ledger entry.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lawtrace.errors import Refused
from lawtrace.rulebook.loader import at as rulebook_at

ACT_NAMES = {"registered_preservation": "先行登记保存", "sealing": "封存"}


def require_full_recording(record: Any) -> None:
    """Refuse, citing the rule, unless every act this record completes is covered by a stored AV record."""
    from lawtrace.evidence.models import AVRecord
    from lawtrace.evidence.rules import act_kinds, continuous_rules, covering

    case = record.case
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    for rule in continuous_rules(rulebook):
        assert rule.av is not None
        act = act_kinds(rulebook, rule.av.acts).get(record.kind)
        if act is None:
            continue
        records = AVRecord.objects.filter(case=case, act=act).prefetch_related("files")
        if covering(records, act, record.occurred_at) is None:
            name = ACT_NAMES.get(act) or rulebook.acts.get(act, act)
            moment = f"{timezone.localtime(record.occurred_at):%Y-%m-%d %H:%M}"
            raise Refused(
                f"{rule.id}：{name}须全程音像记录。尚无覆盖该行为时间（{moment}）并已存储文件的音像记录，"
                f"不能签署{record.kind_name}。",
                rule=rule.id,
            )
