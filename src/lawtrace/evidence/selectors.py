"""Reads of AV evidence, always through the one scoping rule: a person sees the AV records and files of the cases
they may see (``cases.selectors.visible_cases``: own organisation; supervisors their subtree). A file id or hash
from another organisation finds nothing — the same 404 as an id that does not exist."""

from __future__ import annotations

from django.db.models import QuerySet

from lawtrace.cases.models import Case
from lawtrace.cases.selectors import visible_cases
from lawtrace.evidence.models import AVFile, AVRecord, StationFile
from lawtrace.orgs.models import Organisation, User


def visible_av_records(user: User) -> QuerySet[AVRecord]:
    return AVRecord.objects.filter(case__in=visible_cases(user)).select_related("case", "case__organisation", "device")


def visible_files(user: User) -> QuerySet[AVFile]:
    return AVFile.objects.filter(av_record__case__in=visible_cases(user)).select_related(
        "stored", "av_record", "av_record__case"
    )


def av_records_of(case: Case) -> QuerySet[AVRecord]:
    return (
        AVRecord.objects.filter(case=case)
        .select_related("device", "case")
        .prefetch_related("files__stored", "makers", "gaps", "confirmations")
        .order_by("started_at", "pk")
    )


def unassigned_station_files(case: Case) -> QuerySet[StationFile]:
    """Files the organisation's docking stations delivered that no AV record holds yet."""
    assigned = AVFile.objects.filter(av_record__case__organisation=case.organisation).values("stored_id")
    return (
        StationFile.objects.filter(station__organisation=case.organisation)
        .exclude(stored_id__in=assigned)
        .select_related("stored", "station")
        .order_by("-received_at")
    )


def failed_files(organisations: QuerySet[Organisation]) -> QuerySet[AVFile]:
    """AV files of these organisations' cases whose fixity check failed, latest failure first (the supervisor's
    dashboard)."""
    return (
        AVFile.objects.filter(av_record__case__organisation__in=organisations, stored__fixity_ok=False)
        .select_related("stored", "av_record__case__organisation")
        .order_by("-stored__fixity_failed_at", "pk")
    )
