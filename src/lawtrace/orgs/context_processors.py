"""The main navigation (工作台, 案件, 监督, 公示, 管理), shown according to the person's roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from lawtrace.orgs import selectors
from lawtrace.orgs.permissions import Action


@dataclass(frozen=True)
class NavItem:
    label: str
    icon: str
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {}
    actions = selectors.actions_anywhere(user)  # type: ignore[arg-type]
    path = request.path
    items = [NavItem("工作台", "ti-layout-dashboard", reverse("workbench"), path == "/")]
    cases_url = reverse("case_list")
    items.append(
        NavItem(
            "案件", "ti-folders", cases_url, path.startswith(cases_url) or path.startswith(reverse("complaint_list"))
        )
    )
    if actions & {Action.HANDLE_CASE, Action.GIVE_OPINION, Action.APPROVE, Action.SUPERVISE}:  # leads (NHSA-LEAD)
        url = reverse("lead_list")
        items.append(NavItem("线索", "ti-bulb", url, path.startswith(url)))
    if Action.SUPERVISE in actions:
        url = reverse("supervision")
        items.append(NavItem("监督", "ti-eye-check", url, path.startswith(url) and "/ledger/" not in path))
        url = reverse("compliance_dashboard")
        items.append(NavItem("合规", "ti-scale", url, path.startswith(url)))
        url = reverse("ledger_status")
        items.append(NavItem("台账", "ti-shield-lock", url, path.startswith(url)))
    if actions & {Action.PUBLISH, Action.APPROVE}:
        url = reverse("disclosure_queue")
        items.append(NavItem("公示", "ti-speakerphone", url, path.startswith(url)))
    elif Action.SUPERVISE in actions:
        url = reverse("disclosure_overdue")
        items.append(NavItem("公示", "ti-speakerphone", url, path.startswith(url)))
    if Action.CONFIGURE in actions or user.is_superuser:
        url = reverse("admin:index")
        items.append(NavItem("管理", "ti-settings", url, path.startswith(url)))
    return {"nav_items": items}
