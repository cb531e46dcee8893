"""The supervisor's page for the state of the ledger: last checkpoint, last full verification, its result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lawtrace.ledger import selectors
from lawtrace.ledger.keys import TrustError
from lawtrace.ledger.models import Log
from lawtrace.ledger.services import CheckpointRefused, make_checkpoint
from lawtrace.ledger.verify import verify_all
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import organisations_where


def _supervised(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: User = request.user  # type: ignore[assignment]
    organisations = organisations_where(user, Action.SUPERVISE)
    if not organisations.exists():
        raise PermissionDenied("只有监督人员可以查看台账状态。")
    return organisations


def public_keys(request: HttpRequest, code: str) -> HttpResponse:
    """An organisation's published verifier keys (public, plain text): what offline verifiers pass as ``--key``."""
    from lawtrace.ledger import keys

    log = next((g for g in Log.objects.select_related("organisation") if g.organisation.code == code), None)
    if log is None:
        raise Http404("没有该组织的台账")
    return HttpResponse(keys.published_key_file(log.origin), content_type="text/plain; charset=utf-8")


def _public_log(code: str) -> Log:
    log = next((g for g in Log.objects.select_related("organisation") if g.organisation.code == code), None)
    if log is None:
        raise Http404("没有该组织的台账")
    return log


def public_checkpoint(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's latest cosigned checkpoint, C2SP signed-note text (what ``ledger monitor`` reads)."""
    from lawtrace.ledger.witnessing import published_checkpoint

    text = published_checkpoint(_public_log(code))
    if text is None:
        raise Http404("该台账尚无检查点")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def public_consistency(request: HttpRequest, code: str) -> HttpResponse:
    """The RFC 6962 consistency proof between two signed sizes, one base64 hash a line."""
    import base64

    from lawtrace.ledger import merkle
    from lawtrace.ledger.services import leaf_hashes

    log = _public_log(code)
    try:
        old, new = int(request.GET["old"]), int(request.GET["new"])
    except (KeyError, ValueError):
        return HttpResponse("需要 old 和 new 两个整数参数\n", status=400, content_type="text/plain; charset=utf-8")
    if not (0 < old <= new and log.checkpoints.filter(size=new).exists()):
        return HttpResponse("没有该大小的签名检查点\n", status=404, content_type="text/plain; charset=utf-8")
    proof = merkle.consistency_proof(leaf_hashes(log, new), old, new)
    return HttpResponse(
        "".join(base64.b64encode(h).decode() + "\n" for h in proof), content_type="text/plain; charset=utf-8"
    )


@login_required
def status(request: HttpRequest) -> HttpResponse:
    statuses = selectors.log_statuses(_supervised(request))
    return render(request, "ledger/status.html", {"statuses": statuses})


@require_POST
@login_required
def verify_now(request: HttpRequest) -> HttpResponse:
    """Sign what is unsigned, then verify every supervised log from its first entry."""
    logs = Log.objects.filter(organisation__in=_supervised(request))
    bad = []
    refused = []
    for log in logs:
        try:
            make_checkpoint(log)
        except (CheckpointRefused, TrustError) as e:  # the log is not what was signed: verify says where
            refused.append(str(e))
        bad += [r for r in verify_all(log=log) if not r.ok]
    for refusal in refused:
        messages.error(request, refusal)
    if bad:
        messages.error(request, f"核验发现异常：{bad[0].origin} 序号 {bad[0].first_bad_seq}：{bad[0].problem}")
    else:
        messages.success(request, f"已核验 {logs.count()} 个日志，全部正常。")
    return redirect("ledger_status")
