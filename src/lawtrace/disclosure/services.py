"""Actions on publication items: draft, revise, submit, publish, withhold, withdraw; corrections; IMD-12 checks.

Each is one function: it checks the rules, writes the rows and appends one ledger entry in the same transaction.
Payloads hold ids, version numbers, due dates and salted content hashes — never the text, names or contacts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import models, transaction

from lawtrace import clock
from lawtrace.cases.models import Case
from lawtrace.disclosure import drafting, rules
from lawtrace.disclosure.models import (
    BeforeCategory,
    CorrectionRequest,
    CorrectionResult,
    Item,
    ItemKind,
    ItemStatus,
    ItemVersion,
    ReactionCheck,
    Withdrawal,
    WithdrawalCause,
)
from lawtrace.disclosure.redaction import KEEPABLE, RULES_VERSION, Redacted, Span, redact
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, require
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI

DECISION_KINDS = (ItemKind.PENALTY, ItemKind.COERCION)


def _ledger(action: LedgerAction, item: Item, actor: User | None, **payload: object) -> None:
    append(
        action=action,
        actor=actor,
        organisation=item.organisation,
        case_number=item.case.number if item.case_id and item.case else "",
        payload={"item": str(item.pk), "kind": item.kind, **payload},
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def redaction_of(
    item: Item,
    text: str,
    manual_terms: Sequence[str] = (),
    kept: Sequence[str] = (),
    facts: drafting.CaseFacts | None = None,
) -> Redacted:
    """The item's text redacted with what its case knows and the rulebook's name display (IMD-8, PUB-MASK)."""
    facts = facts or drafting.case_facts(item.case)
    return redact(
        text,
        people=facts.people,
        addresses=facts.addresses,
        known=facts.known,
        party_name=rules.party_name_display(item.organisation),
        terms=manual_terms,
        kept=kept,
        public_names=facts.public_names,
    )


# -- what the detector still finds in a public text (IMD-8) -------------------------------------------------------


def findings_in(item: Item, version: ItemVersion, facts: drafting.CaseFacts | None = None) -> list[Span]:
    """What the detector, with today's rules and the case's names today, finds in the text the public would see —
    the redacted title and text — apart from what the publisher explicitly kept. Empty for a version redacted with
    the same rules and names; not empty for a long number flagged for a decision, a witness recorded since the
    version was made, or a spelling an earlier rule missed."""
    facts = facts or drafting.case_facts(item.case)
    found: list[Span] = []
    for text in (version.title, version.redacted_text):
        found.extend(s for s in redaction_of(item, text, kept=version.kept, facts=facts).spans if s.kind != "manual")
    return found


def describe(findings: Sequence[Span]) -> str:
    """身份证号 1 处、疑似个人号码（待确认） 2 处 — labels only, never the values (the message may be logged)."""
    counts: dict[str, int] = {}
    for span in findings:
        counts[span.label] = counts.get(span.label, 0) + 1
    return "、".join(f"{label} {n} 处" for label, n in counts.items())


def _facts_digest(version: ItemVersion, facts: drafting.CaseFacts) -> str:
    """A salted digest of what the redaction knew about the case: a change (a new witness) means a new scan."""
    return commitment(
        version.salt,
        {
            "people": sorted(f"{p.name}|{p.is_party}" for p in facts.people),
            "addresses": sorted(facts.addresses),
            "known": sorted(f"{v}|{k}" for v, k in facts.known),
            "public": sorted(facts.public_names),
        },
    )


def _stamp_scan(item: Item, version: ItemVersion, facts: drafting.CaseFacts) -> None:
    item.scan_rules_version, item.scan_facts = RULES_VERSION, _facts_digest(version, facts)


def check_kept(item: Item, kept: Sequence[str]) -> None:
    """The publisher may keep a hotline, an e-mail address, a word the name detector mistook or a flagged number —
    never a value holding an ID number, a card, a mobile, an address or a name the case knows (IMD-8)."""
    facts = drafting.case_facts(item.case)
    for n, value in enumerate(kept, start=1):
        refused = [s for s in redaction_of(item, value, facts=facts).spans if s.kind not in KEEPABLE]
        if refused:
            raise Refused(
                f"第{n}项“确认可公开的内容”含有{describe(refused).split(' ')[0]}，不能保留；个人信息一律遮蔽。",
                rule="IMD-8",
            )


def _new_version(
    item: Item,
    *,
    actor: User | None,
    title: str,
    text: str,
    manual_terms: Sequence[str] = (),
    kept: Sequence[str] = (),
    change_note: str = "",
    basis_changed: bool = False,
    data: dict[str, object] | None = None,
) -> ItemVersion:
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    kept = [k.strip() for k in kept if k.strip()]
    body = redaction_of(item, text, manual_terms, kept)
    public_title = redaction_of(item, title, manual_terms, kept).text
    version = ItemVersion(
        item=item,
        number=number,
        title=public_title,
        party_display=drafting.party_display(item.case, rules.party_name_display(item.organisation)),
        text=text,
        redacted_text=body.text,
        spans=[s.to_dict() for s in body.spans],
        manual_terms=[t for t in manual_terms if t.strip()],
        kept=kept,
        data=data or {},
        change_note=change_note,
        basis_changed=basis_changed,
        created_by=actor,
        created_at=clock.now(),
    )
    version.content_hash = commitment(
        version.salt,
        {"title": title, "text": text, "redacted": body.text, "terms": version.manual_terms, "kept": kept},
    )
    version.save()
    return version


def _set_due(item: Item, start: datetime, *, basis_changed: bool = False) -> None:
    due = rules.publish_due(
        item.organisation, start, penalty_decision=item.kind == ItemKind.PENALTY, basis_changed=basis_changed
    )
    item.due_at = due.at if due else None
    item.due_rule = due.rule if due else ""
    item.due_explanation = due.explanation() if due else "本规则集未规定公开期限"
    item.due_met_at = None


def _withheld_reason(item: Item, facts: drafting.CaseFacts) -> str:
    conditions = rules.withhold_conditions(item.organisation)
    if facts.party_minor and "party_minor" in conditions:
        return "当事人为未成年人，依法不予公示（PUB-MASK）"
    return ""


# -- drafting --------------------------------------------------------------------------------------------------------


def record_signed(*, record: Record, actor: User) -> Item | None:
    """Called by ``records.services.sign_record`` inside its transaction: a signed decision (or execution record, or
    an inspection case's closing report) drafts its publication item; a signed correction of one revises it. Any
    signed record may name a new person (a witness): the case's public items are scanned again."""
    rescan_published(case=record.case)
    kind = drafting.item_kind_for(record)
    if kind is None:
        return None
    if record.corrects_id is not None:
        earlier = Item.objects.filter(source_record_id=record.corrects_id).first()
        if earlier is not None:
            return _revise_from_record(earlier, record, actor)
    return draft_from_record(record=record, actor=actor, kind=kind)


def _record_text(record: Record) -> tuple[str, str, bool]:
    from lawtrace.records.services import record_kind

    spec = record_kind(record.case, record.kind)
    content = dict(record.content)
    return (
        drafting.record_title(spec, content, record.case),
        drafting.record_text(spec, content),
        (drafting.is_minor_penalty(content)),
    )


@transaction.atomic
def draft_from_record(*, record: Record, actor: User, kind: ItemKind) -> Item:
    """Draft the item a signed record calls for, redacted, with its IMD-10 due date (from the decision's making)."""
    case: Case = record.case
    title, text, minor = _record_text(record)
    item = Item(
        organisation=case.organisation,
        kind=kind,
        case=case,
        source_record=record,
        source_created_at=record.occurred_at,
        minor_penalty=minor,
        created_at=clock.now(),
    )
    _set_due(item, record.occurred_at)
    facts = drafting.case_facts(case)
    if reason := _withheld_reason(item, facts):
        item.status, item.withheld_reason, item.due_at = ItemStatus.WITHHELD, reason, None
    item.save()
    version = _new_version(item, actor=actor, title=title, text=text)
    _ledger(
        LedgerAction.DISCLOSURE_DRAFTED,
        item,
        actor,
        record=str(record.pk),
        version=version.number,
        content=version.content_hash,
        due_at=_iso(item.due_at),
        rule=item.due_rule,
        withheld=item.status == ItemStatus.WITHHELD,
    )
    return item


def _revise_from_record(item: Item, record: Record, actor: User) -> Item:
    title, text, minor = _record_text(record)
    item.source_record = record
    item.minor_penalty = minor
    item.save(update_fields=["source_record", "minor_penalty"])
    return revise_item(actor=actor, item=item, title=title, text=text, change_note="执法决定信息更正", system=True)


@transaction.atomic
def draft_before_item(
    *, actor: User, organisation: Organisation, category: BeforeCategory, title: str, text: str
) -> Item:
    """Draft a 事前公开 item (权责清单、事项清单、依据、程序、监督救济; IMD-4, IMD-5), due in 20 working days
    (IMD-10)."""
    require(actor, Action.PUBLISH, organisation)
    if not title.strip() or not text.strip():
        raise Refused("请填写标题和内容。", rule="IMD-5")
    now = clock.now()
    item = Item(
        organisation=organisation, kind=ItemKind.BEFORE, category=category, source_created_at=now, created_at=now
    )
    _set_due(item, now)
    item.save()
    version = _new_version(item, actor=actor, title=title, text=text)
    _ledger(
        LedgerAction.DISCLOSURE_DRAFTED,
        item,
        actor,
        category=category,
        version=version.number,
        content=version.content_hash,
        due_at=_iso(item.due_at),
        rule=item.due_rule,
    )
    return item


def _require_publisher(actor: User, item: Item) -> None:
    require(actor, Action.PUBLISH, item.organisation)


@transaction.atomic
def revise_item(
    *,
    actor: User,
    item: Item,
    title: str | None = None,
    text: str | None = None,
    manual_terms: Sequence[str] | None = None,
    kept: Sequence[str] | None = None,
    change_note: str = "",
    basis_changed: bool = False,
    system: bool = False,
) -> Item:
    """A new version (the earlier ones stay): new text, or the reviewer's manual redactions. A change to published
    information opens a new IMD-10 period — 7 days when caused by a change of legal basis or functions."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    if not system:
        _require_publisher(actor, item)
    if item.status in (ItemStatus.WITHDRAWN, ItemStatus.WITHHELD):
        raise Refused(f"该信息{item.get_status_display()}，不能再修改。")
    latest = item.latest_version
    assert latest is not None
    new_title = (
        latest.title if title is None else title
    )  # the stored title is already redacted: redacting is idempotent
    new_text = latest.text if text is None else text
    terms = list(latest.manual_terms) if manual_terms is None else list(manual_terms)
    keep = list(latest.kept) if kept is None else [k.strip() for k in kept if k.strip()]
    if kept is not None:
        check_kept(item, keep)
    content_changed = text is not None and text != latest.text
    if not new_text.strip():
        raise Refused("内容不能为空。")
    if basis_changed and not change_note.strip():
        raise Refused("因执法依据变更或职能调整而更新的，请说明变更情况。", rule="IMD-10")
    version = _new_version(
        item,
        actor=actor,
        title=new_title,
        text=new_text,
        manual_terms=terms,
        kept=keep,
        change_note=change_note,
        basis_changed=basis_changed,
        data=latest.data,
    )
    if item.status == ItemStatus.PUBLISHED and (content_changed or basis_changed):
        _set_due(item, version.created_at, basis_changed=basis_changed)
    if item.status == ItemStatus.IN_REVIEW:
        item.status = ItemStatus.DRAFT
    item.save()
    _ledger(
        LedgerAction.DISCLOSURE_REVISED,
        item,
        actor,
        version=version.number,
        content=version.content_hash,
        kept=len(keep),
        basis_changed=basis_changed,
        due_at=_iso(item.due_at),
        rule=item.due_rule,
    )
    return item


@transaction.atomic
def submit_for_review(*, actor: User, item: Item) -> Item:
    """The publisher has checked the redaction preview and hands the latest version to review."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require_publisher(actor, item)
    version = item.latest_version
    assert version is not None
    if item.status not in (ItemStatus.DRAFT, ItemStatus.PUBLISHED) or version.published_at is not None:
        raise Refused("该信息没有待审核的新版本。")
    version.submitted_by, version.submitted_at = actor, clock.now()
    version.save(update_fields=["submitted_by", "submitted_at"])
    if item.status == ItemStatus.DRAFT:
        item.status = ItemStatus.IN_REVIEW
        item.save(update_fields=["status"])
    _ledger(LedgerAction.DISCLOSURE_SUBMITTED, item, actor, version=version.number)
    return item


def may_review(actor: User, item: Item) -> bool:
    return can(actor, Action.PUBLISH, item.organisation) or can(actor, Action.APPROVE, item.organisation)


@transaction.atomic
def publish_item(*, actor: User, item: Item, redaction_confirmed: bool) -> Item:
    """Publish the submitted version. IMD-8: only after the reviewer has confirmed its redaction; never an item the
    rulebook withholds (a minor party, a secret). Meets the IMD-10 due date if in time; starts the time online."""
    item = Item.objects.select_for_update().select_related("organisation").get(pk=item.pk)
    if not may_review(actor, item):
        raise PermissionRefused(f"您在{item.organisation}没有审核公示信息的权限（需要：公示管理员、机关负责人）。")
    if item.status in (ItemStatus.WITHHELD, ItemStatus.WITHDRAWN):
        raise Refused(f"该信息{item.get_status_display()}，不能公开。{item.withheld_reason}", rule="IMD-8")
    version = item.latest_version
    assert version is not None
    if version.published_at is not None:
        raise Refused("该版本已公开。")
    if version.submitted_at is None:
        raise Refused("请先核对遮蔽预览并提交审核。", rule="IMD-8")
    if not redaction_confirmed:
        raise Refused("请确认已核对遮蔽处理（个人隐私、商业秘密等已去除）后再公开。", rule="IMD-8")
    facts = drafting.case_facts(item.case)
    if found := findings_in(item, version, facts):
        raise Refused(
            f"检测到尚未处理的内容：{describe(found)}。请在“人工遮蔽”中遮蔽，或将确认可公开的内容填入"
            "“确认可公开的内容”，保存新版本并提交后再公开。",
            rule="IMD-8",
        )
    _stamp_scan(item, version, facts)
    item.review_reason = ""
    now = clock.now()
    version.reviewed_by, version.published_at = actor, now
    version.save(update_fields=["reviewed_by", "published_at"])
    item.published_version = version
    item.status = ItemStatus.PUBLISHED
    if item.first_published_at is None:
        item.first_published_at = now
        if item.kind not in (ItemKind.BEFORE, ItemKind.ANNUAL, ItemKind.WITHDRAWAL):
            until = rules.online_until(item.organisation, now, minor=item.minor_penalty)
            item.online_until = until.at if until else None
    if item.due_met_at is None:
        item.due_met_at = now
    item.save()
    _ledger(
        LedgerAction.DISCLOSURE_PUBLISHED,
        item,
        actor,
        version=version.number,
        content=version.content_hash,
        due_at=_iso(item.due_at),
        late=bool(item.due_at and now > item.due_at),
        online_until=_iso(item.online_until),
    )
    return item


@transaction.atomic
def withhold_item(*, actor: User, item: Item, reason: str) -> Item:
    """Mark an item never to be published (涉及国家秘密、商业秘密、国家安全; PUB-MASK, IMD-8)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require_publisher(actor, item)
    if "secret" not in rules.withhold_conditions(item.organisation):
        raise Refused("本规则集未规定涉密信息不予公示的情形。", rule="PUB-MASK")
    if item.status == ItemStatus.PUBLISHED:
        raise Refused("已公开的信息须按撤回程序处理。", rule="IMD-11")
    if not reason.strip():
        raise Refused("请说明不予公示的理由。", rule="IMD-8")
    item.status, item.secret, item.withheld_reason, item.due_at = ItemStatus.WITHHELD, True, reason, None
    item.save()
    _ledger(LedgerAction.DISCLOSURE_WITHHELD, item, actor)
    return item


@transaction.atomic
def draft_annual_report(*, actor: User, organisation: Organisation, year: int) -> Item:
    """Draft the previous year's figures (IMD-7.2), computed from the organisation's own cases; due 31 January."""
    from lawtrace.disclosure import annual

    require(actor, Action.PUBLISH, organisation)
    now = clock.now()
    if now.astimezone(SHANGHAI).year <= year:
        raise Refused(f"{year}年尚未结束，不能生成年度数据。", rule="IMD-7.2")
    if Item.objects.filter(organisation=organisation, kind=ItemKind.ANNUAL, year=year).exists():
        raise Refused(f"{year}年度数据已生成；如需修改请保存新版本。", rule="IMD-7.2")
    try:
        due = rules.annual_report_due(organisation, year)
    except LookupError as e:
        raise Refused(str(e), rule="IMD-7.2") from e
    data = annual.figures(organisation, year)
    item = Item(
        organisation=organisation,
        kind=ItemKind.ANNUAL,
        year=year,
        source_created_at=now,
        created_at=now,
        due_at=due.at,
        due_rule=due.rule,
        due_explanation=due.explanation(),
    )
    item.save()
    version = _new_version(
        item, actor=actor, title=f"{year}年度行政执法总体情况", text=annual.summary_text(data), data=data
    )
    _ledger(
        LedgerAction.DISCLOSURE_DRAFTED,
        item,
        actor,
        year=year,
        version=version.number,
        content=version.content_hash,
        due_at=_iso(item.due_at),
        rule=item.due_rule,
    )
    return item


# -- withdrawals (IMD-11, APL-48) --------------------------------------------------------------------------------------


@transaction.atomic
def register_withdrawal(*, actor: User, item: Item, cause: WithdrawalCause, cause_occurred_at: datetime) -> Withdrawal:
    """A published decision was revoked, confirmed illegal or void, changed, or ordered remade: it must be withdrawn
    within 3 days (IMD-11), 3 working days for a penalty decision (APL-48). The clock starts at the cause."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require_publisher(actor, item)
    if item.kind not in DECISION_KINDS or item.status != ItemStatus.PUBLISHED:
        raise Refused("只有已公开的执法决定信息需要撤回。", rule="IMD-11")
    if Withdrawal.objects.filter(item=item).exists():
        raise Refused("该信息已登记撤回。")
    if cause_occurred_at > clock.now():
        raise Refused("前述情况出现时间不能晚于现在。")
    due = rules.withdrawal_due(item.organisation, cause_occurred_at, penalty_decision=item.kind == ItemKind.PENALTY)
    withdrawal = Withdrawal.objects.create(
        item=item,
        cause=cause,
        cause_occurred_at=cause_occurred_at,
        due_at=due.at,
        due_rule=due.rule,
        due_explanation=due.explanation(),
        registered_by=actor,
        registered_at=clock.now(),
    )
    _ledger(
        LedgerAction.DISCLOSURE_WITHDRAWAL_REGISTERED,
        item,
        actor,
        cause=cause,
        cause_occurred_at=_iso(cause_occurred_at),
        due_at=_iso(due.at),
        rule=due.rule,
    )
    return withdrawal


@transaction.atomic
def withdraw_item(*, actor: User, item: Item, explanation: str) -> Item:
    """Take the decision information off the public site and publish the explanation, which stays visible
    (IMD-11, APL-48). Returns the withdrawal notice (an item of its own, published at once, redacted)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require_publisher(actor, item)
    withdrawal = Withdrawal.objects.select_for_update().filter(item=item).first()
    if withdrawal is None:
        raise Refused("请先登记撤回原因和前述情况出现的时间。", rule="IMD-11")
    if withdrawal.withdrawn_at is not None:
        raise Refused("该信息已撤回。")
    if not explanation.strip():
        raise Refused("撤回须公开说明理由。", rule=withdrawal.due_rule)
    now = clock.now()
    withdrawal.explanation, withdrawal.withdrawn_at, withdrawal.withdrawn_by = explanation, now, actor
    withdrawal.save()
    item.status, item.withdrawn_at = ItemStatus.WITHDRAWN, now
    item.save(update_fields=["status", "withdrawn_at"])
    published = item.published_version
    notice = Item(
        organisation=item.organisation,
        kind=ItemKind.WITHDRAWAL,
        case=item.case,
        withdraws=item,
        status=ItemStatus.PUBLISHED,
        source_created_at=now,
        created_at=now,
        first_published_at=now,
        due_at=withdrawal.due_at,
        due_rule=withdrawal.due_rule,
        due_explanation=withdrawal.due_explanation,
        due_met_at=now,
    )
    notice.save()
    title = f"关于撤回{published.title if published else '执法决定信息'}的说明"
    text = f"撤回原因：{withdrawal.get_cause_display()}\n说明：{explanation}"
    version = _new_version(notice, actor=actor, title=title, text=text)
    version.submitted_by, version.submitted_at, version.reviewed_by, version.published_at = actor, now, actor, now
    version.save()
    notice.published_version = version
    notice.save(update_fields=["published_version"])
    _ledger(
        LedgerAction.DISCLOSURE_WITHDRAWN,
        item,
        actor,
        notice=str(notice.pk),
        content=version.content_hash,
        due_at=_iso(withdrawal.due_at),
        late=now > withdrawal.due_at,
        rule=withdrawal.due_rule,
    )
    return notice


# -- corrections (IMD-11) ----------------------------------------------------------------------------------------------


@transaction.atomic
def file_correction(*, item: Item, requester: str, contact: str, content: str) -> CorrectionRequest:
    """A member of the public asks in writing to correct published decision information (no account). The request
    is due in 5 working days (IMD-11). Name and contact stay in the row; the ledger holds a salted commitment."""
    item = Item.objects.select_related("organisation").get(pk=item.pk)
    if item.status != ItemStatus.PUBLISHED or item.kind in (ItemKind.WITHDRAWAL,):
        raise Refused("该信息未在公示中，无法申请更正。", rule="IMD-11")
    if not requester.strip() or not contact.strip() or not content.strip():
        raise Refused("请填写姓名或名称、联系方式和更正要求。", rule="IMD-11")
    now = clock.now()
    due = rules.correction_due(item.organisation, now)
    request = CorrectionRequest(
        item=item,
        number=f"GZ{now.astimezone(SHANGHAI):%Y%m%d}-{secrets.token_hex(3).upper()}",  # the local day
        requester=requester.strip()[:100],
        contact=contact.strip()[:100],
        content=content.strip(),
        received_at=now,
        due_at=due.at if due else None,
        due_explanation=due.explanation() if due else "本规则集未规定处理期限",
    )
    request.save()
    _ledger(
        LedgerAction.CORRECTION_RECEIVED,
        item,
        None,
        request=str(request.pk),
        content=commitment(
            request.salt, {"requester": request.requester, "contact": request.contact, "content": content}
        ),
        due_at=_iso(request.due_at),
        rule=due.rule if due else "",
    )
    return request


@transaction.atomic
def answer_correction(
    *, actor: User, request: CorrectionRequest, verification: str, result: CorrectionResult
) -> CorrectionRequest:
    """Record the verification and the outcome (IMD-11). "Corrected" must be true: a new version of the item has
    been published since the request was received."""
    request = CorrectionRequest.objects.select_for_update().select_related("item").get(pk=request.pk)
    _require_publisher(actor, request.item)
    if request.handled_at is not None:
        raise Refused("该更正申请已处理。")
    if not verification.strip():
        raise Refused("请填写核实情况。", rule="IMD-11")
    if (
        result == CorrectionResult.CORRECTED
        and not request.item.versions.filter(published_at__gt=request.received_at).exists()
    ):
        raise Refused("尚未公开更正后的版本，不能记为“已更正”。", rule="IMD-11")
    now = clock.now()
    request.verification, request.result, request.handled_at, request.handled_by = verification, result, now, actor
    request.save()
    _ledger(
        LedgerAction.CORRECTION_ANSWERED,
        request.item,
        actor,
        request=str(request.pk),
        result=result,
        late=bool(request.due_at and now > request.due_at),
    )
    return request


@transaction.atomic
def confirm_reaction_followed(*, actor: User, item: Item, note: str) -> ReactionCheck:
    """IMD-12 (a checklist item a person confirms): public reaction to the item was followed and answered."""
    _require_publisher(actor, item)
    if item.first_published_at is None:
        raise Refused("该信息尚未公开。", rule="IMD-12")
    if not note.strip():
        raise Refused("请简要说明舆情跟踪和回应情况。", rule="IMD-12")
    check = ReactionCheck.objects.create(item=item, note=note, confirmed_by=actor, confirmed_at=clock.now())
    _ledger(LedgerAction.REACTION_CONFIRMED, item, actor, check=str(check.pk))
    return check


# -- scanning published items again (IMD-8) ----------------------------------------------------------------------


def _public_now() -> models.QuerySet[Item]:
    """Items whose text the public can read: published, and withdrawn ones (their page stays with the notice)."""
    return Item.objects.filter(
        status__in=(ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN), published_version__isnull=False
    ).select_related("organisation", "case", "published_version")


@transaction.atomic
def _rescan_one(item_pk: int, *, force: bool) -> bool:
    """Scan one public item's text with today's rules and names; True when it had to be taken back."""
    item = Item.objects.select_for_update(of=("self",)).select_related("organisation", "case").get(pk=item_pk)
    version = item.published_version
    if version is None or item.status not in (ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN):
        return False
    facts = drafting.case_facts(item.case)
    digest = _facts_digest(version, facts)
    if not force and item.scan_rules_version == RULES_VERSION and item.scan_facts == digest:
        return False
    found = findings_in(item, version, facts)
    if not found:
        item.scan_rules_version, item.scan_facts = RULES_VERSION, digest
        item.save(update_fields=["scan_rules_version", "scan_facts"])
        return False
    # The original is redacted again under today's rules (the publisher's terms and kept values stay).
    revised = _new_version(
        item,
        actor=None,
        title=version.title,
        text=version.text,
        manual_terms=version.manual_terms,
        kept=version.kept,
        change_note="重新检测后重新遮蔽",
        data=version.data,
    )
    now = clock.now()
    reason = f"重新检测发现未遮蔽的内容（{describe(found)}），已撤下，待重新审核后公开"
    if item.status == ItemStatus.PUBLISHED:
        # Off the public site at once; back in the publisher's queue with a new due date (IMD-10).
        item.status = ItemStatus.DRAFT
        _set_due(item, now)
    else:
        # A withdrawn item cannot go back to review: its page shows the text redacted again, straight away.
        revised.published_at = now
        revised.save(update_fields=["published_at"])
        item.published_version = revised
        reason = f"重新检测发现未遮蔽的内容（{describe(found)}），已按现行规则重新遮蔽"
    item.review_reason = reason[:200]
    _stamp_scan(item, revised, facts)
    item.save()
    _ledger(
        LedgerAction.DISCLOSURE_RESCANNED,
        item,
        None,
        version=revised.number,
        content=revised.content_hash,
        findings={span.kind.value: sum(1 for s in found if s.kind == span.kind) for span in found},
        rules=RULES_VERSION,
        status=item.status,
    )
    return True


def rescan_published(*, case: Case | None = None, stale_only: bool = False, force: bool = False) -> list[int]:
    """Scan again every item the public can read, when the redaction rules changed since its last scan
    (``RULES_VERSION``) or the case's names did (a witness recorded after publication). An item in which the
    detector now finds something leaves the public site and goes back to the publisher's queue (a withdrawn item
    is redacted again in place); each such change is one ledger entry. ``stale_only``: only items scanned under
    older rules (cheap: ``lawtrace periodic``). Returns the ids of the items taken back."""
    items = _public_now()
    if case is not None:
        items = items.filter(case=case)
    if stale_only:
        items = items.exclude(scan_rules_version=RULES_VERSION)
    return [pk for pk in items.values_list("pk", flat=True) if _rescan_one(pk, force=force)]
