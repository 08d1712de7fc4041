from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "homeward.reporting"
    label = "reporting"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from homeward.ui import NavItem, add_nav_item

        from .views import FIGURES_ROLES

        add_nav_item(NavItem(_("Dashboard"), "reporting:dashboard", frozenset(FIGURES_ROLES), order=25))
        add_nav_item(NavItem(_("Statements"), "reporting:statements", frozenset(FIGURES_ROLES), order=26))
