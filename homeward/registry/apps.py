from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "homeward.registry"
    label = "registry"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from homeward.access import PERSON_LEVEL, Role
        from homeward.ui import NavItem, add_nav_item

        add_nav_item(NavItem(_("Cases"), "registry:case_list", PERSON_LEVEL, order=10))
        add_nav_item(NavItem(_("Figures"), "registry:figures",
                             frozenset({Role.HQ_OFFICER, Role.MISSION_OFFICER, Role.ANALYST, Role.ADMINISTRATOR}),
                             order=20))
