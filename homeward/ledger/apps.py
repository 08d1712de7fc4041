from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "homeward.ledger"
    label = "ledger"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from homeward.access import Role
        from homeward.ui import CasePanel, NavItem, add_case_panel, add_nav_item

        from .views import OVERVIEW_ROLES, case_panel

        add_nav_item(NavItem(_("Ledger"), "ledger:overview", frozenset(OVERVIEW_ROLES), order=40))
        add_case_panel(CasePanel("ledger/panel.html", case_panel, order=40))
