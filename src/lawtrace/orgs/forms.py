"""Forms of the orgs app."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Chinese labels and messages; the field names stay Django's so that django-axes sees the account name."""

    error_messages = {
        "invalid_login": "账号或密码不正确。连续失败多次后账号将被临时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = "账号"
        self.fields["username"].widget = forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control", "placeholder": "请输入账号"}
        )
        self.fields["password"].label = "密码"
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control", "placeholder": "请输入密码"}
        )


class OwnPasswordForm(forms.Form):
    """A person's own password change: the current password, and the new one twice (checked by the service)."""

    old_password = forms.CharField(
        label="当前密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        help_text="至少 12 个字符，同时包含字母、数字和符号；不能用常用密码加数字或符号，也不能用键盘上连续的按键。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "form-control"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class OtpCodeForm(forms.Form):
    """The 6-digit code of the authenticator app (checked, and throttled, by ``second_factor``)."""

    code = forms.CharField(
        label="验证码",
        max_length=12,
        help_text="打开手机上的身份验证器应用，输入“lawtrace”条目当前显示的 6 位数字。",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control",
                "placeholder": "6 位数字",
            }
        ),
    )
