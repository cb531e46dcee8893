"""The rulebook a case is judged by: its organisation's, at the version in force when the case was opened."""

from __future__ import annotations

from datetime import date
from typing import Any

from lawtrace.orgs.models import Organisation


def version_for(organisation: Organisation, on: date) -> str:
    from lawtrace.rulebook.loader import load

    return load(organisation.rulebook).version_in_force(on).version


def param(rulebook: str, version: str, rule_id: str, key: str) -> Any:
    """A rule's parameter in the given rulebook version (e.g. APL-42 ``min_handlers``)."""
    from lawtrace.rulebook.loader import load

    return load(rulebook).at_version(version).param(rule_id, key)
