"""The Atom feed of 事后公示 (and 事前公开 changes): the latest published items, redacted text only."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from lawtrace import params
from lawtrace.disclosure import selectors
from lawtrace.disclosure.models import Item
from lawtrace.orgs.models import Organisation


class PublicFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "行政执法公示"
    subtitle = "医疗保障行政执法公示信息（事前公开、事后公示、撤回说明）"

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> Organisation | None:
        org = params.optional_id(request.GET, "org", label="机关")
        return Organisation.objects.filter(pk=org, is_active=True).first() if org else None

    def link(self, obj: Organisation | None) -> str:
        return reverse("disclosure_public_decisions") + (f"?org={obj.pk}&scope=tree" if obj else "")

    def items(self, obj: Organisation | None) -> QuerySet[Item]:
        return selectors.public_items(obj, hierarchy=True).order_by("-first_published_at", "-pk")[:50]

    def item_title(self, item: Item) -> str:
        version = item.published_version
        return f"{item.organisation.name}｜{item.get_kind_display()}｜{version.title if version else ''}"

    def item_description(self, item: Item) -> str:
        """Atom's ``<summary type="html">`` is HTML: the text is escaped here (the XML writer escapes it once more),
        so a reader shows ``<b>`` typed in a decision as text and never runs it; line breaks become ``<br>``."""
        version = item.published_version
        return str(linebreaksbr(version.redacted_text, autoescape=True)) if version else ""

    def item_link(self, item: Item) -> str:
        return reverse("disclosure_public_item", args=[item.pk])

    def item_pubdate(self, item: Item) -> datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: Item) -> datetime | None:
        version = item.published_version
        return version.published_at if version else None
