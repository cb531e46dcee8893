"""Who may do what: one table (role × action), used by services (refusal) and templates (buttons hidden).

The table is DESIGN.md § Decisions, "Who may do what". An action is allowed in an organisation when the person holds
a role there that grants it; the supervising and configuring actions also reach every organisation below.
Object-level limits that depend on a case (an officer acts on *their own* cases; a legal reviewer must not be a
handler of the case) are checked by the case services on top of this table.
"""

from __future__ import annotations

from enum import StrEnum

from lawtrace.orgs.models import Role


class Action(StrEnum):
    HANDLE_CASE = "handle_case"  # register leads and complaints, draft and sign records, upload evidence, serve
    GIVE_OPINION = "give_opinion"  # the handling unit's opinion on opening and on the handler's proposals
    APPROVE = "approve"  # approve opening, extensions, suspension, recusal, preservation, sealing, access, closing
    SIGN_DECISION = "sign_decision"
    LEGAL_REVIEW = "legal_review"
    KEEP_CASE_FILES = "keep_case_files"
    SUPERVISE = "supervise"  # read everything in the organisation and below (logged); score case files
    PUBLISH = "publish"  # draft, redact and publish disclosure items; answer correction requests
    CONFIGURE = "configure"  # organisations, people, roles, certificates, devices, calendar, rulebook parameters


ACTION_LABELS: dict[Action, str] = {
    Action.HANDLE_CASE: "办理案件",
    Action.GIVE_OPINION: "提出承办机构意见",
    Action.APPROVE: "审批",
    Action.SIGN_DECISION: "签发决定",
    Action.LEGAL_REVIEW: "法制审核",
    Action.KEEP_CASE_FILES: "管理案卷",
    Action.SUPERVISE: "执法监督",
    Action.PUBLISH: "信息公示",
    Action.CONFIGURE: "系统配置",
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OFFICER: frozenset({Action.HANDLE_CASE}),
    Role.UNIT_HEAD: frozenset({Action.GIVE_OPINION}),
    Role.LEGAL_REVIEWER: frozenset({Action.LEGAL_REVIEW}),
    Role.BUREAU_HEAD: frozenset({Action.APPROVE, Action.SIGN_DECISION}),
    Role.ARCHIVIST: frozenset({Action.KEEP_CASE_FILES}),
    Role.SUPERVISOR: frozenset({Action.SUPERVISE}),
    Role.PUBLISHER: frozenset({Action.PUBLISH}),
    Role.ADMINISTRATOR: frozenset({Action.CONFIGURE}),
}

# Checklist items a person confirms (rulebook ``checklist.confirm_by``): holders of these actions may confirm — the
# named role's own work or the bureau head's. IMR-5 wording: legal reviewer or head; WS-6 / IMR-4 equipment and
# rooms: administrator or head; IMD-12 reaction: publisher or head.
CONFIRMS_CHECKLIST: dict[Role, frozenset[Action]] = {
    Role.LEGAL_REVIEWER: frozenset({Action.LEGAL_REVIEW, Action.APPROVE}),
    Role.ADMINISTRATOR: frozenset({Action.CONFIGURE, Action.APPROVE}),
    Role.PUBLISHER: frozenset({Action.PUBLISH, Action.APPROVE}),
}

# Actions whose reach is the organisation and every organisation below it.
SUBTREE_ACTIONS: frozenset[Action] = frozenset({Action.SUPERVISE, Action.CONFIGURE})


def roles_granting(action: Action) -> frozenset[Role]:
    return frozenset(role for role, actions in PERMISSIONS.items() if action in actions)
