"""AV pages: a case's AV records, registering one, its page (files, playback, facts vs. what was typed, deadline,
gaps, checklist, transcript), the upload page, and the file endpoints (play with ranges, download, poster).
Glue only: reads through the scoped selectors, writes through services; a refusal becomes a message or form error.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from lawtrace import clock
from lawtrace.cases.selectors import visible_cases
from lawtrace.errors import Refused
from lawtrace.evidence import fixity, forms, media, rules, selectors, services, serving, store
from lawtrace.evidence.models import AccessKind, AVFile, AVRecord, MediaType
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.overrides import working_calendar


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _av(request: HttpRequest, pk: int) -> AVRecord:
    return get_object_or_404(selectors.visible_av_records(_user(request)), pk=pk)


@login_required
def av_list(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(_user(request)), pk=case_pk)
    return render(request, "evidence/av_list.html", {"case": case, **card_context(case, _user(request))})


def card_context(case: object, user: User) -> dict[str, object]:
    """What the case page's "音像记录" card shows: each AV record with its storage deadline status."""
    from lawtrace.cases.models import Case

    assert isinstance(case, Case)
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    calendar, now = working_calendar(), clock.now()
    rows = []
    has_rule = rules.storage_rule(rulebook) is not None
    failed = 0
    for av in selectors.av_records_of(case):
        judged = rules.judge_storage(rulebook, av, calendar, now) if has_rule else None
        av.failed_files = sum(1 for f in av.files.all() if not f.stored.fixity_ok)  # type: ignore[attr-defined]
        failed += av.failed_files  # type: ignore[attr-defined]
        rows.append((av, judged))
    return {"av_rows": rows, "can_add_av": services.may_handle(user, case), "failed_files": failed}


@login_required
def av_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(_user(request)), pk=case_pk)
    acts = dict(rulebook_at(case.rulebook, case.rulebook_version).acts)
    form = forms.AVRecordForm(request.POST or None, case=case, acts=acts, initial={"makers": [_user(request)]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.AVRecordInput(
            media_type=MediaType(d["media_type"]),
            act=d["act"],
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            makers=list(d["makers"]),
            place=d["place"],
            proves=d["proves"],
            device=d["device"],
            other_device=d["other_device"],
            has_speech=d["has_speech"],
            away_reason=d["away_reason"],
            returned_at=d["returned_at"],
        )
        try:
            av = services.add_av_record(actor=_user(request), case=case, data=data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "已登记音像记录，并记入台账。请上传文件。")
            return redirect("evidence_av_upload", pk=av.pk)
    return render(request, "evidence/av_form.html", {"case": case, "form": form})


@login_required
def av_detail(request: HttpRequest, pk: int) -> HttpResponse:
    av = _av(request, pk)
    av = selectors.av_records_of(av.case).get(pk=av.pk)
    rulebook = rulebook_at(av.case.rulebook, av.case.rulebook_version)
    storage = (
        rules.judge_storage(rulebook, av, working_calendar(), clock.now()) if rules.storage_rule(rulebook) else None
    )
    continuous = [r for r in rules.continuous_rules(rulebook) if r.av is not None and av.act in r.av.acts]
    done = {(c.rule_id, c.item): c for c in av.confirmations.all()}
    context = {
        "av": av,
        "case": av.case,
        "files": [(f, fixity.state(f.stored)) for f in av.files.all()],
        "failed_files": [f for f in av.files.all() if not f.stored.fixity_ok],
        "can_check": can(_user(request), Action.SUPERVISE, av.case.organisation),
        "storage": storage,
        "disagreements": rules.disagreements(av),
        "open_gaps": [g for rule in continuous for g in rules.open_gaps(rule, av)],
        "continuous_rule": continuous[0].id if continuous else "",
        "checklist": [(item, done.get((item.rule_id, item.index))) for item in rules.checklist(av)],
        "needs_transcript": rules.needs_transcript(av),
        "can_act": services.may_handle(_user(request), av.case),
        "act_label": rulebook.acts.get(av.act, av.act),
        "transcript_form": forms.TranscriptForm(initial={"text": av.transcript}),
        "return_form": forms.ReturnForm(),
        "gap_form": forms.GapForm(),
        "station_files": selectors.unassigned_station_files(av.case)[:20],
    }
    return render(request, "evidence/av_detail.html", context)


@login_required
def av_upload(request: HttpRequest, pk: int) -> HttpResponse:
    av = _av(request, pk)
    if not services.may_handle(_user(request), av.case):
        messages.error(request, "只有本案承办人可以上传音像文件。")
        return redirect("evidence_av_detail", pk=av.pk)
    return render(request, "evidence/av_upload.html", {"av": av, "case": av.case})


def _post(request: HttpRequest, pk: int, form_class: type, act: object) -> HttpResponse:
    av = _av(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("evidence_av_detail", pk=av.pk)
    try:
        act(av, form.cleaned_data)  # type: ignore[operator]
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("evidence_av_detail", pk=av.pk)


@require_POST
@login_required
def av_transcript(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        forms.TranscriptForm,
        lambda av, d: services.set_transcript(actor=_user(request), av_record=av, **d),
    )


@require_POST
@login_required
def av_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request, pk, forms.ReturnForm, lambda av, d: services.record_return(actor=_user(request), av_record=av, **d)
    )


@require_POST
@login_required
def av_gap(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request, pk, forms.GapForm, lambda av, d: services.explain_gap(actor=_user(request), av_record=av, **d)
    )


@require_POST
@login_required
def av_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def act(av: AVRecord, d: dict) -> None:  # type: ignore[type-arg]
        file = av.files.filter(pk=d["file"]).first() if d.get("file") else None
        services.confirm(
            actor=_user(request),
            av_record=av,
            rule_id=d["rule_id"],
            item=d["item"],
            offset_seconds=d["minutes"] * 60 + d["seconds"],
            file=file,
        )

    return _post(request, pk, forms.ConfirmForm, act)


@require_POST
@login_required
def av_assign(request: HttpRequest, pk: int) -> HttpResponse:
    av = _av(request, pk)
    chosen = request.POST.get("station_file", "")
    station_file = selectors.unassigned_station_files(av.case).filter(pk=int(chosen) if chosen.isdigit() else 0).first()
    if station_file is None:
        raise Http404
    try:
        services.assign_station_file(actor=_user(request), av_record=av, station_file=station_file)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已将采集工作站上传的文件归入本音像记录，并记入台账。")
    return redirect("evidence_av_detail", pk=av.pk)


def _file(request: HttpRequest, pk: int) -> AVFile:
    return get_object_or_404(selectors.visible_files(_user(request)), pk=pk)


PLAYER_TRUSTS_CHECK_FOR = timedelta(hours=1)  # a player's seeks after the opening request, which hashed the file


def _opening(range_header: str) -> bool:
    return not range_header or range_header.replace(" ", "").startswith("bytes=0-")


@require_GET
@login_required
def file_play(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """Playback with byte ranges, only of a file that is intact. Opening the file (no range, or a range from
    byte 0) hashes a small file first and counts as one view; the player's later range requests while seeking
    trust that check for a while and are not counted."""
    file = _file(request, pk)
    range_header = request.headers.get("Range", "")
    opening = _opening(range_header)
    problem = fixity.problem(file.stored, trust_check_within=None if opening else PLAYER_TRUSTS_CHECK_FOR)
    if problem:
        return serving.refusal(problem)
    if opening:
        services.record_access(actor=_user(request), file=file, kind=AccessKind.VIEW)
    return serving.play(file, range_header)


@require_GET
@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """A download of an intact file; a failed one only for a supervisor, marked and ledgered as failed."""
    file = _file(request, pk)
    problem = fixity.problem(file.stored)
    if problem == fixity.FAILED and can(_user(request), Action.SUPERVISE, file.av_record.case.organisation):
        services.record_access(actor=_user(request), file=file, kind=AccessKind.DOWNLOAD, integrity_failed=True)
        return serving.download_failed(file)
    if problem:
        return serving.refusal(problem)
    services.record_access(actor=_user(request), file=file, kind=AccessKind.DOWNLOAD)
    return serving.download(file)


@require_POST
@login_required
def file_fixity(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervisor forces a fixity check of one file now (a failure is ledgered, once)."""
    file = _file(request, pk)
    if not can(_user(request), Action.SUPERVISE, file.av_record.case.organisation):
        messages.error(request, "只有监督人员可以发起完整性校验。")
    elif fixity.verify(file.stored):
        messages.success(request, f"完整性校验一致：{file.name} 与入库时的 SHA-256 相符。")
    else:
        messages.error(request, f"完整性校验失败：{file.name} 与入库时的 SHA-256 不符或文件缺失，已记入台账。")
    return redirect("evidence_av_detail", pk=file.av_record_id)


@require_GET
@login_required
def file_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A JPEG poster frame of a video, or a preview of a photo, cut once and kept beside the file."""
    file = _file(request, pk)
    if not file.stored.fixity_ok:  # a preview cut from a damaged file is not shown as if it were the evidence
        return serving.refusal(fixity.FAILED)
    name = f"posters/{file.stored.sha256}.jpg"
    if not store.exists(name):
        data = media.poster(store.media_source(file.stored.storage_name))
        if not data:
            raise Http404("无法生成预览图")
        store.save_small(name, data)
    data = b"".join(store.read_range(name))
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
