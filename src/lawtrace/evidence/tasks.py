"""Periodic work of the evidence app, as plain functions ``lawtrace periodic`` (or ``lawtrace evidence``) calls:
both are idempotent, so running them every minute from several servers is harmless."""

from __future__ import annotations

from lawtrace.evidence import fixity, uploads


def resume_uploads() -> int:
    """Uploads whose last byte is stored but whose completion a crash cut off: completed now."""
    return uploads.resume_stalled()


def cleanup_uploads() -> int:
    """First finish what can still complete, then remove abandoned or cut-off uploads past their expiry (partial
    data removed, never evidence)."""
    resume_uploads()
    return uploads.cleanup()


def check_fixity(*, everything: bool = False) -> tuple[int, int]:
    """Re-read the files due for a check (or all); a mismatch or a missing file is ledgered (never silent)."""
    run = fixity.check_all() if everything else fixity.check_due()
    return run.checked, run.failed
