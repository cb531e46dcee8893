"""Steps that tests parametrised from the rulebook share: a case opened under a given rulebook, and a record of any
kind made, recorded on video where the act needs it, and signed by whoever must sign it."""

from __future__ import annotations

from datetime import datetime, timedelta

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.orgs.models import Organisation
from lawtrace.records import services as records
from lawtrace.rulebook.calendar import SHANGHAI
from tests.cases.record_content import filled
from tests.factories import open_case_setting, register

MONDAY = datetime(2025, 11, 10, 9, 30, tzinfo=SHANGHAI)


def _opened_case(rulebook: str, case_type: str, opened_at: datetime = MONDAY) -> tuple[dict, object]:
    s = open_case_setting()
    Organisation.objects.filter(pk=s["county"].pk).update(rulebook=rulebook)
    s["county"].refresh_from_db()
    with clock.frozen_at(opened_at - timedelta(days=25)):  # before the chains: a decision 12 days, a hearing 20
        case = register(s, case_type=case_type, violation_ended_on=(opened_at - timedelta(days=40)).date())
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    with clock.frozen_at(opened_at):
        case = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    return s, case


def _recorded_on_video(s: dict, case: object, kind: str, moment: datetime) -> None:
    """Preservation and sealing are recorded from start to end (WS-12/IMR-13): a stored recording spanning the act."""
    from lawtrace.evidence import services as evidence
    from lawtrace.evidence.hashing import Digests
    from lawtrace.evidence.models import MediaType
    from lawtrace.evidence.rules import act_kinds, continuous_rules
    from lawtrace.rulebook.loader import at

    rulebook = at(case.rulebook, case.rulebook_version)  # type: ignore[attr-defined]
    acts = {k: a for rule in continuous_rules(rulebook) for k, a in act_kinds(rulebook, rule.av.acts).items()}  # type: ignore[union-attr]
    if kind not in acts:
        return
    with clock.frozen_at(moment + timedelta(minutes=20)):
        av = evidence.add_av_record(
            actor=s["officer"],
            case=case,  # type: ignore[arg-type]
            data=evidence.AVRecordInput(
                media_type=MediaType.VIDEO,
                act=acts[kind],
                started_at=moment - timedelta(minutes=10),
                ended_at=moment + timedelta(minutes=10),
                makers=[s["officer"]],
                place="当事人经营场所",
                proves="先行登记保存、封存的全过程",
                other_device="执法记录仪",
            ),
        )
        digest = f"{kind:0<64}"[:64].encode().hex()[:64]
        stored = evidence.store_object(digests=Digests(digest, digest, 1), storage_name=f"test/{digest}")
        evidence.attach_file(actor=s["officer"], av_record=av, stored=stored, name="录像.mp4")


def _signer(s: dict, kind: str) -> object:
    return s["head"] if kind in records.SIGNERS else s["officer"]  # decisions and approvals: the head signs


def prepare(s: dict, case: object, kind: str, content: dict, moment: datetime) -> dict:
    """What the rules need before a record of this kind can be signed: a hearing chaired by someone who did not
    investigate, notified in time (APL-64); electronic service only with the address confirmation (APL-61)."""
    if kind == "hearing_transcript":
        chair = str(s["head"].pk)  # the head does not investigate the case
        notice_at = moment - timedelta(days=20)
        if not case.records.filter(kind="hearing_notice", status="signed").exists():  # type: ignore[attr-defined]
            _signed(
                s,
                case,
                "hearing_notice",
                notice_at,
                served_at=notice_at.isoformat(),
                hearing_at=moment.isoformat(),
                chair=chair,
            )
        return {**content, "chair": chair, "hearing_at": moment.isoformat()}
    if kind == "inquiry_transcript":  # questioned by two officers (APL-42 / FUND-29): the maker and another handler
        other = case.handlers.filter(active=True).exclude(user=s["officer"]).order_by("pk").first()  # type: ignore[attr-defined]
        return {**content, "officers": [str(s["officer"].pk)] + ([str(other.user_id)] if other else [])}
    if kind in ("onsite_inspection_record", "coercive_measure_onsite_record"):  # two certified officers (APL-42)
        content = {**content, "officers": [str(s["officer"].pk), str(s["officer2"].pk)]}
        if kind == "coercive_measure_onsite_record":  # CEL-18: the party present signs and is heard
            content = {"party_signature": "signed", "statement_and_defence": "当事人无异议。", **content}
        if (
            kind == "coercive_measure_onsite_record"
            and not case.records.filter(  # type: ignore[attr-defined]
                kind="coercive_measure_decision", status="signed"
            ).exists()
        ):
            _signed(s, case, "coercive_measure_decision", moment - timedelta(hours=1))  # approved beforehand (CEL-18)
        return content
    if kind == "property_list":  # CEL-24: 一式二份
        return {**content, "copies": 2}
    if kind == "coercive_measure_decision":  # CEL-24: the decision names its signed property list
        lists = case.records.filter(kind="property_list", status="signed")  # type: ignore[attr-defined]
        if not lists.exists():
            _signed(s, case, "property_list", moment - timedelta(minutes=30))
        return {**content, "property_list": str(lists.latest("pk").pk)}
    if (
        kind == "coercive_measure_extension"
        and not case.records.filter(  # type: ignore[attr-defined]
            kind="coercive_measure_decision", status="signed"
        ).exists()
    ):  # CEL-25: extends a sealing decided
        _signed(s, case, "coercive_measure_decision", moment - timedelta(hours=2))
    if kind == "onspot_collection":  # APL-68: not the summary procedure's small-fine ground in a general case
        return {**content, "ground": "hard_to_enforce"}
    if kind == "penalty_decision":
        _decision_chain(s, case, moment)
    if kind == "rights_notice" and not _has(case, "inquiry_transcript") and not _has(case, "onsite_inspection_record"):
        _signed(s, case, "inquiry_transcript", moment - timedelta(hours=1))  # IMR-9 / WS-11: investigated first
    if kind == "service_receipt" and content.get("mode") == "retained":  # WS-17.3: by two officers
        content = {**content, "servers": [str(s["officer"].pk), str(s["officer2"].pk)]}
    if kind == "service_receipt":  # PUB-MASK: the party told at service that the decision will be published
        content = {"publication_notice": True, **content}
    if kind == "service_receipt":  # the receipt names the decision it serves, by its 文号
        decision = case.records.filter(kind="penalty_decision", status="signed").order_by("pk").last()  # type: ignore[attr-defined]
        if decision is not None:
            content = {**content, "document_number": decision.content.get("document_number")}
    if kind == "service_receipt" and content.get("mode") == "electronic":
        _signed(s, case, "service_address_confirmation", moment - timedelta(hours=1))
    return content


def _has(case: object, kind: str) -> bool:
    return case.records.filter(kind=kind, status="signed").exists()  # type: ignore[attr-defined]


def _decision_chain(s: dict, case: object, moment: datetime) -> None:
    """What must come before a decision, signed and dated in order (APL-62, APL-45, APL-58, APL-64): an
    investigation, the rights notice served, the party heard and its statement reviewed, the legal review — each
    made unless the case already has it, the notice early enough for the hearing request period to have run."""
    from lawtrace.orgs.models import Role
    from tests.factories import make_person

    def has(*kinds: str, by: datetime = moment) -> bool:
        signed = case.records.filter(kind__in=kinds, status="signed", signed_at__lte=by)  # type: ignore[attr-defined]
        return signed.exists()

    start = moment - timedelta(days=12)
    if not has("inquiry_transcript", "onsite_inspection_record", by=start + timedelta(hours=1)):
        _signed(s, case, "inquiry_transcript", start)
    if not has("rights_notice"):
        notified = start + timedelta(hours=2)
        _signed(s, case, "rights_notice", notified, served_at=notified.isoformat())
    if not has("statement_defence_record"):
        _signed(s, case, "statement_defence_record", start + timedelta(hours=4), review_opinion="经复核，不予采纳")
    if not has("legal_review_opinion"):
        reviewer = s.get("reviewer") or make_person(s["county"], Role.LEGAL_REVIEWER)
        s["reviewer"] = reviewer
        reviewed = start + timedelta(hours=6)
        content = filled(case, "legal_review_opinion", reviewer, reviewed)  # type: ignore[arg-type]
        content |= {"passed": True, "reviewer_qualification": "A20151100000001"}
        with clock.frozen_at(reviewed + timedelta(minutes=1)):
            draft = records.add_record(
                actor=reviewer,
                case=case,  # type: ignore[arg-type]
                kind="legal_review_opinion",
                occurred_at=reviewed,
                content=content,
            )
            records.sign_record(actor=reviewer, record=draft)
    confirm_formats(s, case, moment - timedelta(minutes=30))


def confirm_formats(s: dict, case: object, moment: datetime) -> None:
    """WS-3b: the legal reviewer confirms the records' formats before the decision (where the rulebook has it)."""
    from lawtrace.orgs.models import Role
    from lawtrace.rulebook import services as rulebook_services
    from lawtrace.rulebook.loader import at
    from tests.factories import make_person

    if "WS-3b" not in at(case.rulebook, case.rulebook_version):  # type: ignore[attr-defined]
        return
    reviewer = s.get("reviewer") or make_person(s["county"], Role.LEGAL_REVIEWER)
    s["reviewer"] = reviewer
    with clock.frozen_at(moment):
        rulebook_services.confirm(actor=reviewer, rule_id="WS-3b", organisation=case.organisation, case=case)  # type: ignore[attr-defined, arg-type]


def _drafted(s: dict, case: object, kind: str, moment: datetime, **given: object) -> object:
    """A draft of the kind made at ``moment`` (a minute later by the clock), with what its rules need first
    (``prepare``) unless ``s["by_hand"]`` says the test builds the chain itself."""
    _recorded_on_video(s, case, kind, moment)
    content = filled(case, kind, s["officer"], moment)  # type: ignore[arg-type]
    if not (s.get("by_hand") and kind == "penalty_decision"):
        content = prepare(s, case, kind, content, moment)
    content |= given
    content |= {f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content and kind in records.SIGNERS}
    with clock.frozen_at(moment + timedelta(minutes=1)):
        return records.add_record(actor=s["officer"], case=case, kind=kind, occurred_at=moment, content=content)  # type: ignore[arg-type]


def _signed(s: dict, case: object, kind: str, moment: datetime, **given: object) -> object:
    record = _drafted(s, case, kind, moment, **given)
    with clock.frozen_at(moment + timedelta(minutes=1)):
        return records.sign_record(actor=_signer(s, kind), record=record)  # type: ignore[arg-type]


def decision_warnings(s: dict, case: object, moment: datetime) -> list[str]:
    """The rules that would refuse the head's signature on a penalty decision drafted at ``moment``: the warnings
    its draft shows (``act_checks.warnings``), judged on the facts as they stand then."""
    from lawtrace.cases import act_checks

    s["by_hand"] = True
    draft = _drafted(s, case, "penalty_decision", moment - timedelta(minutes=2))
    with clock.frozen_at(moment):
        return [v.rule_id for v in act_checks.warnings(draft, now=moment)]  # type: ignore[arg-type]
