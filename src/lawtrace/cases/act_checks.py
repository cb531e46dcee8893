"""The judges of ``cases.judges`` at work: refusing a signature, warning on a draft, and reporting performed acts.

``check_signing`` runs inside ``records.services.sign_record`` with the case row locked, so two drafts signed at
once are judged one after the other on the facts as they then stand. ``warnings`` shows a draft's officer what would
refuse its signature today. ``findings`` gives compliance the same verdicts for the acts already performed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lawtrace.cases.facts import CaseFacts, facts_of, record_fact
from lawtrace.cases.judges import Judging, Verdict, judged_acts, verdicts_at_signing
from lawtrace.errors import Refused
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.overrides import working_calendar

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.cases.models import Case
    from lawtrace.records.models import Record


def judging_for(case: Case) -> Judging:
    return Judging(rulebook_at(case.rulebook, case.rulebook_version), working_calendar())


def verdicts(record: Record, *, now: datetime, signer_id: int | None = None) -> list[Verdict]:
    """What stands against signing ``record`` at ``now``."""
    case = record.case
    facts = facts_of(case, now=now)
    act = record_fact(record, signed_at=now, signed_by=signer_id)
    return verdicts_at_signing(facts, act, judging_for(case))


def check_signing(record: Record, *, now: datetime, signer_id: int) -> None:
    """Refuse the signature with every unmet rule, citing the first (nothing is written)."""
    found = verdicts(record, now=now, signer_id=signer_id)
    if found:
        raise Refused("；".join(str(v) for v in found), rule=found[0].rule_id)


def warnings(record: Record, *, now: datetime) -> list[Verdict]:
    """For a draft: what would refuse its signature now (shown while drafting), and what its signature would be
    warned of (``notices``)."""
    if record.status != "draft":
        return []
    return verdicts(record, now=now) + notices(record, now=now)


def notices(record: Record, *, now: datetime, signer_id: int | None = None) -> list[Verdict]:
    """What signing ``record`` at ``now`` is warned of but never refused for (``record_judges.NOTICES``: APL-59,
    the decision's stated date against its signature). For a signed record, ``now`` is its signature."""
    from lawtrace.cases.record_judges import NOTICES

    judging = judging_for(record.case)
    act = record_fact(record, signed_at=now, signed_by=signer_id)
    facts = facts_of(record.case, now=now).as_of(now, act)
    found = []
    for cited, judge in NOTICES.get(record.kind, []):
        rule_id = next((r for r in cited if r in judging.rulebook), None)
        if rule_id is not None and (problem := judge(facts, act, judging)) is not None:
            found.append(Verdict(rule_id, problem, act))
    return found


def findings(ctx: _Context, facts: CaseFacts) -> list[Finding]:
    """Each performed act's rules, judged as of the act."""
    judging = Judging(ctx.rulebook, ctx.calendar)
    out = []
    for judged in judged_acts(facts, judging):
        if judged.rule_id not in ctx.rulebook:
            continue
        at = judged.act.when()
        out.append(
            ctx.finding(
                judged.rule_id,
                judged.status,
                met_at=at if judged.status is Status.MET else None,
                looked_at=[judged.act.label()],
                note=judged.note,
            )
        )
    return out
