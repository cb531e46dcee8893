"""Actions of the rulebook app, each checked and ledgered like every other: the administrator's working-day table,
confirming checklist items (IMR-5, WS-6 / IMR-4) or stating why an act was not recorded on AV (IMR-5b), and an
organisation's rulebook parameters (IMR-26 / IMD-13)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.models import Role as OrgRole
from lawtrace.orgs.permissions import CONFIRMS_CHECKLIST, Action, roles_granting
from lawtrace.orgs.selectors import can, organisations_where
from lawtrace.rulebook import bounds, checklists
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.models import CalendarDay, Confirmation, DeclaredYear, ParameterOverride

if TYPE_CHECKING:
    from lawtrace.cases.models import Case
    from lawtrace.records.models import Record


def _require_administrator(actor: User) -> None:
    if not actor.is_superuser and not organisations_where(actor, Action.CONFIGURE).exists():
        raise PermissionRefused("只有系统管理员可以维护工作日日历。")


@transaction.atomic
def set_calendar_day(*, actor: User, day: date, is_working_day: bool, name: str) -> CalendarDay:
    """Enter or change one day (a holiday, a make-up working day, a local holiday)."""
    _require_administrator(actor)
    if not name.strip():
        raise Refused("请填写名称或事由（如“春节”“调休上班”）。")
    entry, _ = CalendarDay.objects.update_or_create(
        day=day,
        defaults={"is_working_day": is_working_day, "name": name, "entered_by": actor, "entered_at": clock.now()},
    )
    append(
        action=LedgerAction.CALENDAR_CHANGED,
        actor=actor,
        organisation=None,
        payload={"day": day.isoformat(), "is_working_day": is_working_day, "name": name},
    )
    return entry


@transaction.atomic
def declare_year(
    *,
    actor: User,
    year: int,
    source: str,
    holidays: Sequence[tuple[date, str]],
    working_days: Sequence[tuple[date, str]],
) -> DeclaredYear:
    """Enter a whole year's official schedule (from the State Council notice) in one action."""
    _require_administrator(actor)
    if not source.strip():
        raise Refused("请填写依据（国务院办公厅通知的名称和文号）。")
    for day, _ in [*holidays, *working_days]:
        if day.year != year:
            raise Refused(f"{day:%Y-%m-%d}不在{year}年内。")
    now = clock.now()
    for day, name in holidays:
        CalendarDay.objects.update_or_create(
            day=day, defaults={"is_working_day": False, "name": name, "entered_by": actor, "entered_at": now}
        )
    for day, name in working_days:
        CalendarDay.objects.update_or_create(
            day=day, defaults={"is_working_day": True, "name": name, "entered_by": actor, "entered_at": now}
        )
    declared, _ = DeclaredYear.objects.update_or_create(
        year=year, defaults={"source": source, "entered_by": actor, "entered_at": now}
    )
    append(
        action=LedgerAction.CALENDAR_YEAR_DECLARED,
        actor=actor,
        organisation=None,
        payload={
            "year": year,
            "source": source,
            "holidays": [d.isoformat() for d, _ in holidays],
            "working_days": [d.isoformat() for d, _ in working_days],
        },
    )
    return declared


# -- checklist items a person confirms (DESIGN § Rulebooks) ---------------------------------------------------------


def _checklist_rulebook(organisation: Organisation, case: Case | None) -> Rulebook | None:
    if case is not None:
        return rulebook_at(case.rulebook, case.rulebook_version)
    return checklists.organisation_rulebook(organisation, timezone.localdate(clock.now()))


def check_confirm(
    *, actor: User, rule_id: str, organisation: Organisation, case: Case | None = None, record: Record | None = None
) -> str:
    """Refuse unless ``rule_id`` is a checklist rule of the organisation's (or the case's) rulebook, confirmed for
    what it is per (a case, a record, the organisation), by someone who may see the case and holds a role the
    permission table lets confirm it. Returns the items' text as confirmed."""
    from lawtrace.cases.selectors import visible_cases

    rulebook = _checklist_rulebook(organisation, case)
    rule = rulebook.rules.get(rule_id) if rulebook is not None else None
    if rule is None or rule.kind != "checklist" or rule.checklist is None:
        raise Refused(f"{organisation}适用的规则集中没有需人工核对确认的事项“{rule_id}”。", rule=rule_id)
    per = rule.checklist.per
    if case is not None and case.organisation_id != organisation.pk:
        raise Refused("案件不属于该组织。", rule=rule_id)
    if record is not None and (case is None or record.case_id != case.pk):
        raise Refused("记录不属于该案件。", rule=rule_id)
    if per == "disclosure_item":
        raise Refused("该事项针对公示信息，请在公示信息页面确认。", rule=rule_id)
    if per == "organisation" and case is not None:
        raise Refused("该事项按组织确认，不针对具体案件。", rule=rule_id)
    if per in ("case", "record") and case is None:
        raise Refused("该事项须针对具体案件逐案确认。", rule=rule_id)
    if per == "record" and record is None:
        raise Refused("该事项须针对具体记录确认。", rule=rule_id)
    if case is not None and not visible_cases(actor).filter(pk=case.pk).exists():
        raise PermissionRefused("您无权查看该案件，不能确认其核对事项。", rule=rule_id)
    named = OrgRole(str(rule.checklist.confirm_by))
    actions = CONFIRMS_CHECKLIST[named]
    if not any(can(actor, action, organisation) for action in actions):
        others = [r for a in sorted(actions) for r in sorted(roles_granting(a)) if r != named]
        roles = "或".join(dict.fromkeys(str(r.label) for r in [named, *others]))
        raise PermissionRefused(f"您在{organisation}不能确认“{rule.title}”（需要：{roles}）。", rule=rule_id)
    return "；".join(rule.checklist.items)


@transaction.atomic
def confirm(
    *,
    actor: User,
    rule_id: str,
    organisation: Organisation,
    case: Case | None = None,
    record: Record | None = None,
    note: str = "",
) -> Confirmation:
    """确认核对事项: a person confirms a checklist item no code can judge — a case's documents follow the national
    formats, facts clear, wording standard (IMR-5: legal reviewer or head), or the organisation's recording
    equipment and rooms are provided as work requires (WS-6 / IMR-4: administrator or head). A new row every time;
    ledgered in the organisation's log (with the case number for a case). Refusals write nothing."""
    item = check_confirm(actor=actor, rule_id=rule_id, organisation=organisation, case=case, record=record)
    confirmation = Confirmation.objects.create(
        organisation=organisation,
        case=case,
        record=record,
        rule_id=rule_id,
        item=item,
        confirmed_by=actor,
        confirmed_at=clock.now(),
        note=note.strip(),
    )
    _ledger_confirmation(LedgerAction.CHECKLIST_CONFIRMED, actor, confirmation)
    if case is not None:
        from lawtrace.cases import compliance

        compliance.refresh(case)  # the case's IMR-5 finding turns met: the dashboards follow at once
    return confirmation


@transaction.atomic
def state_av_omission(*, actor: User, record: Record, reason: str) -> Confirmation:
    """说明不进行音像记录 (IMR-5b): AV records the whole process by default; where the written record fully records
    an act, a handler of the case says so, with the reason, for the record of that act. Refused for acts the rulebook
    requires recorded on AV (IMR-13, IMR-17.3), for records that document no act on a scene, and for acts
    already recorded."""
    from lawtrace.cases.selectors import is_handler

    case = record.case
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    rule = next(iter(checklists.omission_rules(rulebook)), None)
    if rule is None:
        raise Refused("本案适用的规则集未要求默认音像记录，无需说明不进行音像记录的理由。")
    if not is_handler(actor, case):
        raise PermissionRefused("只有本案承办人可以说明不进行音像记录的理由。", rule=rule.id)
    act = checklists.act_of(rulebook, rule, record)
    if act is None:
        raise Refused(f"“{record.kind_name}”不记录现场执法行为，无需说明。", rule=rule.id)
    required = checklists.required_by(rulebook, act)
    if required:
        raise Refused(f"“{rulebook.acts.get(act, act)}”必须全程音像记录，不能以文字记录代替。", rule=required[0])
    if checklists.spanning(list(case.av_records.all()), act, record.occurred_at) is not None:
        raise Refused("该执法行为已有音像记录，无需说明。", rule=rule.id)
    if not reason.strip():
        raise Refused("请说明文字记录能够全面有效记录该执法行为的理由。", rule=rule.id)
    omission = Confirmation.objects.create(
        organisation=case.organisation,
        case=case,
        record=record,
        rule_id=rule.id,
        item=checklists.OMISSION_ITEM,
        confirmed_by=actor,
        confirmed_at=clock.now(),
        note=reason.strip(),
    )
    _ledger_confirmation(LedgerAction.AV_OMISSION_STATED, actor, omission, act=act)
    from lawtrace.cases import compliance

    compliance.refresh(case)
    return omission


def _ledger_confirmation(action: LedgerAction, actor: User, row: Confirmation, **extra: str) -> None:
    append(
        action=action,
        actor=actor,
        organisation=row.organisation,
        case_number=row.case.number if row.case is not None else "",
        payload={
            "confirmation": str(row.pk),
            "rule": row.rule_id,
            "record": str(row.record_id) if row.record_id else None,
            "content": commitment(row.salt, {"item": row.item, "note": row.note}),
            **extra,
        },
    )


# -- an organisation's rulebook parameters (IMR-26 / IMD-13) --------------------------------------------------------


def _precedence_rule(rulebook: Rulebook, rule_id: str) -> str:
    """The rule that lets a people's government's provision prevail (IMR-26 for records, IMD-13 for disclosure)."""
    ids = [r.id for r in rulebook.rules_of_kind("scope") if r.scope and any("人民政府" in y for y in r.scope.yields_to)]
    return next((i for i in ids if i.split("-")[0] == rule_id.split("-")[0]), next(iter(ids), ""))


def check_override(
    *,
    actor: User,
    organisation: Organisation,
    rule_id: str,
    key: str,
    value: object,
    effective_from: date,
    reason: str,
    unverified: bool | None = None,
) -> str:
    """Refuse unless the actor administers the organisation or a superior one, the rule and parameter exist in the
    organisation's rulebook, the value has the parameter's type and lies within the parameter's legal bounds — a
    provision may tighten the law, never loosen it (the refusal cites the article that sets the bound: APL-42's two
    officers, APL-72's 3 %, APL-60's 90 days) — the date is not past and the ground is given. Returns the rule ID the
    ledger entry cites (IMR-26 / IMD-13)."""
    from pydantic import ValidationError

    from lawtrace.rulebook.loader import load
    from lawtrace.rulebook.schema import Override

    rulebook = load(organisation.rulebook)
    cited = _precedence_rule(rulebook, rule_id)
    if not actor.is_superuser and not can(actor, Action.CONFIGURE, organisation):
        raise PermissionRefused(f"只有{organisation}或其上级组织的系统管理员可以调整规则集参数。", rule=cited)
    if rule_id not in rulebook:
        raise Refused(f"{organisation}适用的规则集中没有规则“{rule_id}”。", rule=cited)
    rule = rulebook.rule(rule_id)
    if not key and unverified is None:
        raise Refused("请选择要调整的参数，或改变“未核实”标记。", rule=cited)
    if key and key not in rule.params:
        raise Refused(f"规则 {rule_id} 没有参数“{key}”。", rule=cited)
    if key:
        try:
            override = Override(params={key: value})
        except ValidationError as e:
            raise Refused(f"参数值不正确：{e.errors()[0]['msg'].removeprefix('Value error, ')}", rule=cited) from e
        if problems := rulebook.override_problems(rule_id, override):
            raise Refused(f"参数值类型不正确：{'；'.join(problems)}", rule=cited)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise Refused("参数值不得为负数。", rule=cited)
        if (outside := bounds.violation(rule, key, value)) is not None:  # national law is a floor
            raise Refused(outside.message, rule=outside.rule)
    today = timezone.localdate(clock.now())
    if effective_from < today:
        raise Refused(f"施行日期不得早于今日（{today:%Y年%m月%d日}）：已立案的案件按立案时的版本评价。", rule=cited)
    if not reason.strip():
        raise Refused("请填写依据（人民政府的规定及其文号，如〔2026〕N号）。", rule=cited)
    return cited


@transaction.atomic
def override_parameter(
    *,
    actor: User,
    organisation: Organisation,
    rule_id: str,
    key: str,
    value: object,
    effective_from: date,
    reason: str,
    unverified: bool | None = None,
) -> ParameterOverride:
    """调整规则集参数: where a people's government at banner/county level or above provides otherwise (IMR-26 /
    IMD-13), an administrator of the organisation or of a superior one enters the changed number, threshold or
    unverified flag, from a day not before today, with its ground. A new row every time (the history stays); it
    binds the organisation and those below it for what is opened from that day — cases opened before keep their
    version. Ledgered in the organisation's log. Refusals write nothing."""
    from lawtrace.rulebook import loader

    cited = check_override(
        actor=actor,
        organisation=organisation,
        rule_id=rule_id,
        key=key,
        value=value,
        effective_from=effective_from,
        reason=reason,
        unverified=unverified,
    )
    row = ParameterOverride.objects.create(
        organisation=organisation,
        rulebook=organisation.rulebook,
        rule_id=rule_id,
        key=key,
        value=value if key else None,
        unverified=unverified,
        effective_from=effective_from,
        reason=reason.strip(),
        entered_by=actor,
        entered_at=clock.now(),
    )
    append(
        action=LedgerAction.PARAMETER_OVERRIDDEN,
        actor=actor,
        organisation=organisation,
        payload={
            "override": str(row.pk),
            "rulebook": row.rulebook,
            "rule": rule_id,
            "key": key,
            "value": row.value,
            "unverified": unverified,
            "effective_from": effective_from.isoformat(),
            "reason": row.reason,
            "cites": cited,
        },
    )
    # Version strings name rows by number; numbers come back only when a transaction rolls back (tests), and a new
    # row is then created here: forgetting the cached rulebooks keeps a reused number from naming stale rules.
    loader.at.cache_clear()
    return row
