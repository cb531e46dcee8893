"""Filters the document templates may ``{% load documents %}``."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

register = template.Library()


@register.filter
def without(fields: Iterable[object], keys: str) -> list[object]:
    """The fields whose key is not one of the space-separated ``keys`` (those the layout already placed)."""
    skipped = set(keys.split())
    return [f for f in fields if getattr(f, "key", None) not in skipped]


@register.filter
def sentence(text: str) -> str:
    """The text ended as a sentence: a full stop added unless it already ends with one (or ! ? ；)."""
    text = str(text).rstrip()
    return text if not text or text[-1] in "。！？；.!?;" else text + "。"
