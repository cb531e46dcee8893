"""Which record kinds are documents (文书, 笔录, 审批表 — paper that is printed, signed, served or filed).

Every record kind of a rulebook is one, except the registers and system records below: they are lists the system
keeps (a complaint register, the AV files, the publication items, a checklist tick), not paper an office prints.
"""

from __future__ import annotations

NOT_DOCUMENTS: frozenset[str] = frozenset(
    {
        "case",  # the case's own registration data (its paper is the 立案审批表)
        "lead",
        "complaint",
        "excluded_period",
        "av_record",
        "case_file",  # the archive issue's package, not one document
        "disclosure_item",
        "disclosure_correction",
        "disclosure_withdrawal",
        "annual_statistics",
        "checklist_confirmation",
    }
)


def is_document(kind: str) -> bool:
    return kind not in NOT_DOCUMENTS
