from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "homeward.audit"
    label = "audit"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from homeward.access import Role
        from homeward.ui import CasePanel, NavItem, add_case_panel, add_nav_item

        from .selectors import readers_of_case

        def readers(request, case):
            # HQ officers answer for the whole caseload, so they see who else has looked.
            if request.user.role != Role.HQ_OFFICER:
                return None
            return {"entries": readers_of_case(case)}

        add_case_panel(CasePanel("audit/case_readers.html", readers, order=90))
        add_nav_item(NavItem(_("Audit log"), "audit:log", frozenset({Role.ADMINISTRATOR}), order=90))
