"""Django admin for configuration, in Chinese. Every write goes through ``services`` (checked, never a raw save);
nothing is deleted — roles, devices and organisations are deactivated instead.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrace.errors import Refused
from lawtrace.orgs import second_factor, selectors, services
from lawtrace.orgs.models import (
    Certificate,
    Organisation,
    RecordingDevice,
    RecordingRoom,
    Role,
    RoleAssignment,
    SignInRecord,
    User,
)


def _configurable(request: HttpRequest) -> QuerySet[Organisation]:
    return selectors.configurable_organisations(request.user)  # type: ignore[arg-type]


def _manageable(request: HttpRequest) -> QuerySet[User]:
    """People whose account the administrator may change: the choices for a role's or a certificate's person."""
    return selectors.people_managed_by(request.user)  # type: ignore[arg-type]


class ServiceAdmin(admin.ModelAdmin):
    """Base: no deletes; ``save_model`` calls a service and shows its refusal as an error message."""

    actions = None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _configurable(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission  # type: ignore[assignment]

    def call_service(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        self.run_service(request, lambda: self.call_service(request, obj))

    def run_service(self, request: HttpRequest, call: Any) -> None:
        """Run a service; on refusal, show why and abandon the save (the admin's transaction rolls back, so nothing
        is written — the admin has no hook to put a refusal back on the form after validation)."""
        try:
            call()
        except Refused as refusal:
            self.message_user(request, f"未保存：{refusal}", level=messages.ERROR)
            raise _Refusal(refusal) from refusal

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except _Refusal:
            return HttpResponseRedirect(request.get_full_path())


class _Refusal(Exception):
    pass


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ["name", "kind", "parent", "region_code", "rulebook", "is_active"]
    list_filter = ["kind", "rulebook", "is_active"]
    search_fields = ["name", "short_name", "region_code", "credit_code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).filter(pk__in=_configurable(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = _configurable(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def call_service(self, request: HttpRequest, obj: Organisation) -> None:
        services.save_organisation(actor=request.user, organisation=obj)  # type: ignore[arg-type]


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["organisation", "role", "is_active"]
    readonly_fields = ["organisation", "role", "is_active"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ["number", "issuing_authority", "valid_from", "valid_to", "status"]
    readonly_fields = ["number", "issuing_authority", "valid_from", "valid_to", "status"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_password_actor: ContextVar[User] = ContextVar("password_actor")


class LedgeredPasswordForm(AdminPasswordChangeForm):
    """The admin's password form, saving through ``services.save_person`` so that the change is checked again and
    ledgered. Disabling password sign-in is not offered: an account is deactivated instead."""

    def save(self, commit: bool = True) -> User:
        password = self.cleaned_data.get("password1")
        if not password:
            raise Refused("请输入新密码。")
        services.save_person(actor=_password_actor.get(), person=self.user, password=password)  # type: ignore[arg-type]
        return self.user  # type: ignore[return-value]


@admin.register(User)
class PersonAdmin(ServiceAdmin, UserAdmin):
    """People. An administrator sees everyone belonging to an organisation they administer, and may change (fields,
    activity, password) only those who belong to nothing outside it (``selectors.may_manage``)."""

    list_display = ["username", "full_name", "created_in", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    list_filter = ["is_active"]
    inlines = [RoleInline, CertificateInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态", {"fields": ("created_in", "is_active", "otp_status")}),
    )
    readonly_fields = ["otp_status"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "created_in", "password1", "password2")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).filter(pk__in=selectors.people_seen_by_administrator(request.user))  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or selectors.may_manage(request.user, obj)  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving a person to another registering organisation would move them out of (or into) a subtree.
        moved = ["created_in"] if obj is not None and not request.user.is_superuser else []
        return [*moved, "otp_status"]

    @admin.display(description="两步验证")
    def otp_status(self, obj: User) -> str:
        if obj.pk is None:
            return "—"
        if second_factor.confirmed_device(obj) is None:
            return "未绑定身份验证器" + (
                "（其角色要求绑定，下次登录时须先绑定）" if second_factor.must_use(obj) else ""
            )
        url = reverse("admin:orgs_user_otp_reset", args=[obj.pk])
        return format_html('已绑定身份验证器 · <a href="{}">重置（手机丢失或更换时）</a>', url)

    def get_urls(self) -> list[URLPattern]:
        reset = path("<int:pk>/otp-reset/", self.admin_site.admin_view(self.otp_reset_view), name="orgs_user_otp_reset")
        return [reset, *super().get_urls()]

    def otp_reset_view(self, request: HttpRequest, pk: int) -> Any:
        """Reset a person's authenticator: a confirmation page, then the service (which checks the scope again)."""
        person = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:orgs_user_change", args=[person.pk])
        if request.method == "POST":
            try:
                removed = second_factor.reset_devices(actor=request.user, person=person)  # type: ignore[arg-type]
            except Refused as refusal:
                self.message_user(request, f"未重置：{refusal}", level=messages.ERROR)
            else:
                done = "已重置，该人员下次登录时须重新绑定。" if removed else "该人员没有绑定身份验证器。"
                self.message_user(request, f"{person}的身份验证器{done}", level=messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"重置{person}的身份验证器",
            "person": person,
            "opts": self.model._meta,
            "change_url": change_url,
            "may_manage": selectors.may_manage(request.user, person),  # type: ignore[arg-type]
        }
        return TemplateResponse(request, "admin/orgs/user/otp_reset.html", context)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "created_in":
            kwargs["queryset"] = _configurable(request)
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[User], search_term: str) -> Any:
        # The autocomplete of a role's or a certificate's person offers only people the administrator may change.
        if request.GET.get("model_name") in ("roleassignment", "certificate"):
            queryset = queryset.filter(pk__in=_manageable(request))
        return super().get_search_results(request, queryset, search_term)

    def call_service(self, request: HttpRequest, obj: User) -> None:
        raise NotImplementedError  # save_model below passes the password

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        password = form.cleaned_data.get("password1") if not change else None
        if password:
            obj.password = ""  # the service hashes it after validating
        self.run_service(
            request,
            lambda: services.save_person(actor=request.user, person=obj, password=password or None),  # type: ignore[arg-type]
        )

    change_password_form = LedgeredPasswordForm

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        token = _password_actor.set(request.user)  # type: ignore[arg-type]
        try:
            with transaction.atomic():
                return super().user_change_password(request, id, form_url)
        except Refused as refusal:
            self.message_user(request, f"未保存：{refusal}", level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        finally:
            _password_actor.reset(token)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__full_name", "user__username", "organisation__name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleAssignment]:
        return super().get_queryset(request).filter(organisation__in=_configurable(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = _configurable(request)
        elif db_field.name == "user":
            # Not only what the autocomplete offers: a POSTed id outside this set fails validation.
            kwargs["queryset"] = _manageable(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "organisation", "role"] if obj else []

    def call_service(self, request: HttpRequest, obj: RoleAssignment) -> None:
        if obj.pk is None:
            created = services.grant_role(
                actor=request.user, user=obj.user, organisation=obj.organisation, role=Role(obj.role)
            )  # type: ignore[arg-type]
            obj.pk = created.pk
        else:
            services.set_role_active(actor=request.user, assignment=obj, active=obj.is_active)  # type: ignore[arg-type]


@admin.register(Certificate)
class CertificateAdmin(ServiceAdmin):
    list_display = ["number", "holder", "issuing_authority", "valid_from", "valid_to", "status"]
    list_filter = ["status", "issuing_authority"]
    search_fields = ["number", "holder__full_name"]
    autocomplete_fields = ["holder"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Certificate]:
        qs = super().get_queryset(request)
        return qs.filter(holder__in=selectors.people_seen_by_administrator(request.user))  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or selectors.may_manage(request.user, obj.holder)  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "holder":
            kwargs["queryset"] = _manageable(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def call_service(self, request: HttpRequest, obj: Certificate) -> None:
        services.save_certificate(actor=request.user, certificate=obj)  # type: ignore[arg-type]


class _OrgScopedAdmin(ServiceAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(organisation__in=_configurable(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = _configurable(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RecordingDevice)
class RecordingDeviceAdmin(_OrgScopedAdmin):
    list_display = ["serial", "kind", "model_name", "organisation", "assigned_to", "in_service"]
    list_filter = ["kind", "in_service"]
    search_fields = ["serial", "model_name"]
    autocomplete_fields = ["assigned_to"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assigned_to":
            # People of the organisations administered; the service then asks for a role in the device's own.
            kwargs["queryset"] = User.objects.filter(
                roles__organisation__in=_configurable(request), roles__is_active=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def call_service(self, request: HttpRequest, obj: RecordingDevice) -> None:
        services.save_device(actor=request.user, device=obj)  # type: ignore[arg-type]


@admin.register(RecordingRoom)
class RecordingRoomAdmin(_OrgScopedAdmin):
    list_display = ["name", "kind", "organisation", "location", "has_recording"]
    list_filter = ["kind"]

    def call_service(self, request: HttpRequest, obj: RecordingRoom) -> None:
        services.save_room(actor=request.user, room=obj)  # type: ignore[arg-type]


@admin.register(SignInRecord)
class SignInRecordAdmin(admin.ModelAdmin):
    """Read-only: sign-in records are evidence of access."""

    list_display = ["at", "user", "outcome", "ip_address"]
    list_filter = ["outcome"]
    search_fields = ["user__full_name", "user__username"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser or _configurable(request).exists()

    has_module_permission = has_view_permission  # type: ignore[assignment]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignInRecord]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(user__in=selectors.people_seen_by_administrator(request.user))  # type: ignore[arg-type]


# django-otp's own device admin would show every secret and let an administrator bind a device to anyone outside
# their subtree: devices are enrolled by their owner and reset through the person's page only.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
