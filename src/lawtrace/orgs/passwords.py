"""Password rule beyond Django's built-in validators: letters, digits and a symbol (等保 2.0 asks for complexity)."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least one letter, one digit and one other character."""

    def validate(self, password: str, user: object = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(c in string.punctuation or not c.isalnum() for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError("密码须同时包含字母、数字和符号。", code="password_character_classes")

    def get_help_text(self) -> str:
        return "密码须同时包含字母、数字和符号。"


class MinimumLengthValidator:
    """At least ``min_length`` characters (Django's own message has no Chinese translation for its plural form)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
