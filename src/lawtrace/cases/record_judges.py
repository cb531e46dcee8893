"""Judges of what the act's own record says: who signed it, how it was served, why it was referred.

``cases.judges`` judges an act by what came before it; these judge the record that performs the act — the same
pure functions of ``(facts before the act, the act, judging)``, joined to ``judges.BUILT_IN`` by record kind, so the
signature is refused with the rule's ID (nothing written), the draft shows the same verdicts as warnings, and the
case page reports each signed record judged as of its signature.

- WS-16 / IMR-16: a 行政执法决定 records the head's signed opinion; a collective discussion is signed by every
  participant, and no decision rests on one that is not.
- APL-55 (询问、检查笔录), CEL-24 (财物清单): every officer signs the on-site record, and the person questioned or
  inspected signs it — or the refusal is noted and a witness (见证人) signs (the rule CEL-18 gives the measure's
  on-the-spot record, checked in ``record_effects``).
- WS-17.1 / IMR-17.1: a 送达回证 the recipient refused to sign is no direct service: it is a 留置送达
  (WS-17.3 / IMR-17.3); one the recipient signed is no 留置送达.
- IMR-25: a referral for obstructed recording rests only on violence or threats.
- WS-3b: a decision is signed only after the legal reviewer confirmed the records' formats (the rulebook's
  checklist) since the last record signed before it.
- PUB-MASK: where the rulebook says so (``notify_party_at_service``), the 送达回证 of a decision that will be published
  records that the party was told at service.

Signature fields hold ``signed``, ``sealed`` or ``refused`` (the refusal noted). A field for several people (执法人员
签名) holds one answer for all of them when filled on the form, or one answer per person: then every person needs
one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lawtrace.cases.facts import CaseFacts, RecordFact

if TYPE_CHECKING:
    from lawtrace.cases.judges import Judge, Judging

SIGNED = ("signed", "sealed")


def _answers(value: object) -> list[str]:
    """The signature answers a field holds (one, or one per person)."""
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [] if value in (None, "") else [str(value)]


def _people(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [] if value in (None, "") else [str(value)]


def all_signed(value: object, people: int) -> bool:
    """Every person signed or sealed: one answer standing for all, or an answer for each of ``people``."""
    given = _answers(value)
    if not given or any(v not in SIGNED for v in given):
        return False
    return len(given) == 1 or len(given) >= people


def _text(content: Mapping[str, Any], name: str) -> str:
    return str(content.get(name) or "").strip()


# -- WS-16 / IMR-16: the decision's signatures, and the collective discussion signed by every participant -----------

# The 行政执法决定 the head signs (``records.services.SIGNERS``): the decision records the head's signed opinion.
DECISION_KINDS = ("penalty_decision", "no_penalty_decision", "coercive_measure_decision", "coercive_measure_extension")


def discussion_unsigned(record: RecordFact) -> str | None:
    """What a collective discussion's signatures lack: every participant signs (全体参与讨论人员签字)."""
    participants = _people(record.content.get("participants"))
    unsigned = _people(record.content.get("unsigned_participants"))
    if unsigned or not all_signed(record.content.get("signatures"), len(participants)):
        return f"集体讨论记录（{record.number or record.pk}）须由全体参与讨论人员签字"
    return None


def discussion_signed_by_every_participant(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """WS-16 / IMR-16: a collective discussion is recorded and signed by every participant."""
    return discussion_unsigned(act)


def decision_signatures_recorded(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """WS-16 / IMR-16: the decision records the head's signed opinion (its time is the signature's own), names as
    its signer the head who signs it, and rests on no collective discussion that not every participant signed."""
    fields = j.rulebook.record_kind(act.kind).fields
    if "head_opinion" in fields and not _text(act.content, "head_opinion"):
        return "行政执法决定须记录行政机关负责人的签署意见"
    for name in ("signed_by", "approved_by"):
        named = _text(act.content, name)
        if name in fields and named and act.signed_by is not None and named != str(act.signed_by):
            return "行政执法决定载明的签发（批准）人应为签署该决定的负责人本人"
    for discussion in facts.of_kind("collective_discussion"):
        if (problem := discussion_unsigned(discussion)) is not None:
            return problem
    return None


# -- APL-55, CEL-24: the on-site records, signed by every officer and by the party or a witness ------------------

# kind → (the person's signature field, who they are, the officers' list field or "" where the kind has none)
ONSITE_SIGNATURES: dict[str, tuple[str, str, str]] = {
    "inquiry_transcript": ("subject_signature", "被询问人", "officers"),
    "onsite_inspection_record": ("party_signature", "当事人", "officers"),
    "evidence_extraction_form": ("provider_signature", "证据提供人", "officers"),
    "sampling_record": ("party_signature", "被抽样人", "officers"),
    "property_list": ("party_signature", "当事人", ""),
}


def onsite_record_signed(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """Every officer named signs the record; the person it concerns signs or seals it, or — refusing — the refusal
    is noted and a witness (见证人) signs."""
    signature, who, officers_field = ONSITE_SIGNATURES[act.kind]
    officers = len(_people(act.content.get(officers_field))) if officers_field else 1
    if not all_signed(act.content.get("officer_signatures"), officers):
        return f"{act.name}须由全体执法人员签名"
    answer = str(act.content.get(signature) or "")
    if answer in SIGNED:
        return None
    if answer != "refused":
        return f"{act.name}须由{who}签名或盖章；拒绝签名的，应当注明并由见证人签名"
    if not _text(act.content, "witness") or str(act.content.get("witness_signature") or "") not in SIGNED:
        return f"{who}拒绝签名的，应当注明，并由见证人签名或盖章（尚无见证人或其签名）"
    return None


# -- WS-17.1 / IMR-17.1: a refused signature is no direct service --------------------------------------------------


def refused_receipt_is_retained_service(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """WS-17.1 / IMR-17.1: direct service is signed or sealed by the recipient (or a lawful signatory); a recipient
    who refused to sign was served by 留置送达 — recorded as such (its refusal reason, witness and recording are
    WS-17.3 / IMR-17.3's, judged from the receipt as findings: ``record_rules``), and a receipt the recipient signed
    is no 留置送达."""
    mode, answer = act.content.get("mode"), str(act.content.get("recipient_signature") or "")
    if mode in ("direct", "entrusted", "forwarded") and answer == "refused":
        return "受送达人拒绝签收的，不得记为直接送达，应当以留置送达记录（载明拒收事由、见证人并由见证人签名）"
    if mode == "retained" and answer in SIGNED:
        return "受送达人已签收的，不是留置送达：应当按直接送达记录"
    return None


# -- IMR-25: a referral for obstructed recording only on violence or threats ----------------------------------------

REFERRAL_MEANS = {"violence": "暴力", "threat": "威胁"}


def obstruction_by_violence_or_threat(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """IMR-25: what is referred to the police (or the judicial organs) is obstruction of the recording by violence
    or threats; any other hindrance is explained on the recording (IMR-13), not referred under this rule."""
    if act.content.get("means") in REFERRAL_MEANS:
        return None
    return (
        "以暴力、威胁方法阻碍音像记录的，方依本条移送公安机关或司法机关；"
        "其他阻挠在重新开始记录时语音说明中止原因（IMR-13）"
    )


# -- PUB-MASK: the party told at service that the decision will be published ---------------------------------------

# Decisions that are drafted for publication when signed (``disclosure.drafting.TRIGGERS``, penalty decisions).
PUBLISHED_DECISIONS = ("penalty_decision", "onsite_penalty_decision")


def publication_told_at_service(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """PUB-MASK (``notify_party_at_service``): the 送达回证 of a decision that will be published records that the
    party was told, at service, that it will be published."""
    if not j.rulebook.param("PUB-MASK", "notify_party_at_service"):
        return None
    number = act.number
    served = [d for d in facts.of_kind(*PUBLISHED_DECISIONS) if number and d.number == number]
    if not served or act.flag("publication_notice") is True:
        return None
    return f"送达{served[0].name}时须告知当事人该决定将依法公示（送达回证未载明已告知）"


# -- WS-3b: the records' formats checked by the legal reviewer before the decision ----------------------------------


def formats_confirmed_before_decision(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """WS-3b: the written records follow the national and the provincial formats — which no code can judge, so the
    rulebook's checklist has the legal reviewer confirm it for the case. The decision rests on the records signed
    before it: it is signed only once that confirmation was made after the last of them (and before the act)."""
    if act.corrects is not None:
        return None  # a correction restates a decision whose formats were judged when the original was signed
    last = max((r.signed_at for r in facts.records if r.signed_at is not None), default=None)
    confirmed = [
        at
        for rule_id, at in facts.confirmations
        if rule_id == "WS-3b" and at <= facts.moment and (last is None or at >= last)
    ]
    if confirmed:
        return None
    if any(rule_id == "WS-3b" and at <= facts.moment for rule_id, at in facts.confirmations):
        return "确认执法文书格式、内容符合国家和省有关规定后又签署了记录，须由法制审核人员重新核对确认"
    return "作出决定前，须由法制审核人员核对确认执法文书的格式、内容符合国家和省有关规定"


RECORD_JUDGES: dict[str, list[tuple[tuple[str, ...], Judge]]] = {
    **{kind: [(("IMR-16", "WS-16"), decision_signatures_recorded)] for kind in DECISION_KINDS},
    "collective_discussion": [(("IMR-16", "WS-16"), discussion_signed_by_every_participant)],
    **{kind: [(("APL-55",), onsite_record_signed)] for kind in ONSITE_SIGNATURES if kind != "property_list"},
    "property_list": [(("CEL-24",), onsite_record_signed)],
    "service_receipt": [
        (("IMR-17.1", "WS-17.1"), refused_receipt_is_retained_service),
        (("PUB-MASK",), publication_told_at_service),
    ],
    "obstruction_referral": [(("IMR-25",), obstruction_by_violence_or_threat)],
}
for _kind in ("penalty_decision", "no_penalty_decision"):  # added to the decision's WS-16 / IMR-16 judge, not over it
    RECORD_JUDGES[_kind].append((("WS-3b",), formats_confirmed_before_decision))


# -- APL-59: the decision's stated date and its signature (a warning at signing, never a refusal) ------------------


def decision_date_agrees_with_signature(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-59: the decision states the date it was made; that date and the day the head signs it (Asia/Shanghai)
    differ by at most the rulebook's ``decision_date_tolerance_days`` — more is shown to the signer to check (a
    decision dated the day before it was signed is common; a week apart is most likely a slip)."""
    stated = act.moment("decided_on") or act.moment("decided_at")
    if stated is None or act.signed_at is None:
        return None
    from django.utils import timezone

    tolerance = int(j.rulebook.param("APL-59", "decision_date_tolerance_days"))
    signed_on, stated_on = timezone.localtime(act.signed_at).date(), timezone.localtime(stated).date()
    apart = abs((signed_on - stated_on).days)
    if apart <= tolerance:
        return None
    return (
        f"决定书载明的作出决定日期（{stated_on:%Y年%m月%d日}）与签发日期（{signed_on:%Y年%m月%d日}）相差{apart}日，"
        f"超过规则集允许的{tolerance}日，请核对"
    )


# Verdicts shown at signing and on the draft that never refuse the signature: kind → [(rule IDs, judge)].
NOTICES: dict[str, list[tuple[tuple[str, ...], Judge]]] = {
    kind: [(("APL-59",), decision_date_agrees_with_signature)]
    for kind in ("penalty_decision", "no_penalty_decision", "onsite_penalty_decision")
}
