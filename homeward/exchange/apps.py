from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "homeward.exchange"
    label = "exchange"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from homeward.access import PERSON_LEVEL, Role
        from homeward.ui import CasePanel, NavItem, add_case_panel, add_nav_item

        from .views import case_panel

        add_nav_item(NavItem(_("Exchange"), "exchange:overview", PERSON_LEVEL, order=30))
        add_nav_item(NavItem(_("Reconciliation"), "exchange:reconciliation", PERSON_LEVEL, order=31))
        add_nav_item(NavItem(_("Partners"), "exchange:partners", frozenset({Role.ADMINISTRATOR}), order=80))
        add_nav_item(NavItem(_("Requests from the embassy"), "exchange:liaison_cases",
                             frozenset({Role.HOST_LIAISON}), order=30))
        add_nav_item(NavItem(_("Questions from the embassy"), "exchange:liaison_discrepancies",
                             frozenset({Role.HOST_LIAISON}), order=31))
        add_case_panel(CasePanel("exchange/case_panel.html", case_panel, order=40))
