"""Places where an app adds to shared pages without editing them: the top menu and the case page.

Apps register in their AppConfig.ready(); pages render whatever is registered, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset  # who sees the link; the view's own access rule is what enforces it
    order: int = 50


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable  # (request, case) -> dict for the template, or None to show nothing
    order: int = 50


NAV_ITEMS: list[NavItem] = []
CASE_PANELS: list[CasePanel] = []


def add_nav_item(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def add_case_panel(panel: CasePanel) -> None:
    if panel not in CASE_PANELS:
        CASE_PANELS.append(panel)
        CASE_PANELS.sort(key=lambda p: p.order)


def navigation(request) -> dict:
    """Context processor: the menu links the signed-in user's role may follow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": [(item.label, reverse(item.url_name)) for item in NAV_ITEMS if user.role in item.roles]}


def case_panels(request, case) -> list[tuple[str, dict]]:
    rendered = []
    for panel in CASE_PANELS:
        context = panel.context(request, case)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered
