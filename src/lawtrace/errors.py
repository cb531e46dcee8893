"""The one exception for a refused action.

A service that refuses an action raises :class:`Refused` with the rule it enforces and a Chinese message; views turn
it into a form error and the API into a 4xx with the same text. Nothing is written when it is raised.
"""

from __future__ import annotations


class Refused(Exception):
    """An action the rules do not allow (or the person may not take). ``rule`` is a REQUIREMENTS rule ID or ``""``."""

    def __init__(self, message: str, *, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self) -> str:
        if not self.rule or self.message.startswith(self.rule):
            return self.message
        return f"{self.rule} {self.message}"


class PermissionRefused(Refused):
    """The person's roles do not allow the action here."""
