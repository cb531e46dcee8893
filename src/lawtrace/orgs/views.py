"""Sign-in, sign-out, the workbench and the organisation pages. Glue only: reads via selectors, writes via services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from lawtrace.errors import Refused
from lawtrace.ledger import selectors as ledger_selectors
from lawtrace.orgs import second_factor, selectors, services
from lawtrace.orgs.forms import OtpCodeForm, OwnPasswordForm, SignInForm
from lawtrace.orgs.models import CertificateStatus, SignInOutcome, User
from lawtrace.orgs.permissions import Action


def _client(request: HttpRequest) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")


class SignInView(LoginView):
    """Django's sign-in, plus a record of every attempt on a known account (success, failure, lockout)."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        ip, agent = _client(self.request)
        services.record_sign_in(user=form.get_user(), outcome=SignInOutcome.SUCCESS, ip_address=ip, user_agent=agent)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        typed = (form.data.get("username") or "").strip()
        if user := User.objects.filter(username=typed).first():
            ip, agent = _client(self.request)
            locked = getattr(self.request, "axes_locked_out", False)
            outcome = SignInOutcome.LOCKED if locked else SignInOutcome.FAILURE
            services.record_sign_in(user=user, outcome=outcome, ip_address=ip, user_agent=agent)
        return super().form_invalid(form)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    if request.user.is_authenticated:
        ip, agent = _client(request)
        services.record_sign_in(user=request.user, outcome=SignInOutcome.SIGN_OUT, ip_address=ip, user_agent=agent)
    logout(request)
    return redirect("login")


# Wrong current passwords tolerated in one session before it is ended: a session left open on a shared computer must
# not become a way to guess the password behind it.
OWN_PASSWORD_ATTEMPTS = 5


@login_required
def own_password(request: HttpRequest) -> HttpResponse:
    """Every signed-in person changes their own password (the current one required); the session stays signed in."""
    user: User = request.user  # type: ignore[assignment]
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                person=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except services.WrongCurrentPassword as refusal:
            failures = request.session.get("own_password_failures", 0) + 1
            request.session["own_password_failures"] = failures
            if failures >= OWN_PASSWORD_ATTEMPTS:
                sign_out(request)
                messages.error(request, "当前密码连续输入错误，已退出登录，请重新登录。")
                return redirect("login")
            form.add_error("old_password", str(refusal))
        except Refused as refusal:
            form.add_error("new_password1", str(refusal))
        else:
            update_session_auth_hash(request, user)
            request.session.pop("own_password_failures", None)
            messages.success(request, "密码已修改。")
            return redirect("own_password")
    return render(request, "orgs/own_password.html", {"form": form})


def _next_page(request: HttpRequest) -> str:
    """Where to go once verified: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("workbench")


def _verified(request: HttpRequest, device: object) -> HttpResponseRedirect:
    """Mark the session verified by the device, under a new session key (the privilege changed)."""
    request.session.cycle_key()
    otp_login(request, device)
    return redirect(_next_page(request))


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code of the person's authenticator (throttled, each check recorded)."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_page(request))
    device = second_factor.confirmed_device(user)
    if device is None:
        return redirect("otp_enrol" if second_factor.must_use(user) else "workbench")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip, agent = _client(request)
        try:
            verified = second_factor.check_code(
                person=user, device=device, code=form.cleaned_data["code"], ip_address=ip, user_agent=agent
            )
        except Refused as refusal:
            form.add_error("code", str(refusal))
        else:
            return _verified(request, verified)
    return render(request, "orgs/otp_verify.html", {"form": form, "next": _next_page(request)})


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: the secret as a QR code and as text, confirmed with one code it shows. Required
    of heads, administrators, supervisors and publishers before any other page; open to everyone else."""
    user: User = request.user  # type: ignore[assignment]
    if second_factor.confirmed_device(user) is not None:
        messages.info(request, "您已绑定身份验证器。如需更换（例如手机丢失），请联系系统管理员重置。")
        return redirect("otp_verify" if not user.is_verified() else "workbench")  # type: ignore[attr-defined]
    device = second_factor.pending_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip, agent = _client(request)
        try:
            verified = second_factor.confirm_enrolment(
                person=user, code=form.cleaned_data["code"], ip_address=ip, user_agent=agent
            )
        except Refused as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(request, "身份验证器已绑定。以后每次登录都需要输入它显示的验证码。")
            return _verified(request, verified)
    context = {
        "form": form,
        "qr": second_factor.qr_data_uri(device),
        "secret": second_factor.secret_text(device),
        "required": second_factor.must_use(user),
        "next": _next_page(request),
    }
    return render(request, "orgs/otp_enrol.html", context)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """The supervisor's overview of the organisations they supervise: people, certificates, devices."""
    user: User = request.user  # type: ignore[assignment]
    organisations = selectors.organisations_where(user, Action.SUPERVISE)
    if not organisations.exists():
        raise PermissionDenied("只有监督人员可以查看执法监督页面。")
    today = timezone.localdate()
    soon = today + timedelta(days=60)
    rows = []
    for org in organisations.order_by("path"):
        people = list(selectors.people_of(org).prefetch_related("certificates"))
        certificates = [c for person in people for c in person.certificates.all()]
        rows.append(
            {
                "org": org,
                "people": len(people),
                "valid": sum(c.is_valid_on(today) for c in certificates),
                "expiring": sum(c.is_valid_on(today) and c.valid_to <= soon for c in certificates),
                "invalid": sum(not c.is_valid_on(today) for c in certificates),
                "devices": org.devices.filter(in_service=True).count(),
            }
        )
    return render(request, "orgs/supervision.html", {"rows": rows, "soon": soon})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation: its people with their roles and certificates, its devices and rooms (scoped; 404 outside)."""
    user: User = request.user  # type: ignore[assignment]
    org = get_object_or_404(selectors.visible_organisations(user), pk=pk)
    today = timezone.localdate()
    people = []
    for person in selectors.people_of(org).prefetch_related("certificates", "roles"):
        roles = [r.get_role_display() for r in person.roles.all() if r.organisation_id == org.pk and r.is_active]
        certs = [(c, CertificateStatus(c.effective_status(today))) for c in person.certificates.all()]
        people.append({"person": person, "roles": roles, "certificates": certs})
    context = {
        "org": org,
        "people": people,
        "children": org.children.filter(pk__in=selectors.visible_organisations(user)),
        "devices": org.devices.select_related("assigned_to"),
        "rooms": org.rooms.all(),
        "can_configure": selectors.can(user, Action.CONFIGURE, org),
        "timeline": ledger_selectors.timeline(ledger_selectors.organisation_entries(org), limit=20),
        "timeline_title": "本组织台账（最近 20 条）",
        "admin_url": reverse("admin:orgs_organisation_change", args=[org.pk]),
    }
    return render(request, "orgs/organisation_detail.html", context)
