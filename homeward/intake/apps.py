from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _case_panel(request, case):
    from homeward.access import RECORDING
    from homeward.registry import merging

    from . import selectors
    from .forms import MergeForm, NoteForm

    can_record = request.user.role in RECORDING
    merged_into = merging.standing_merge(case) if case.status == "merged" else None
    return {
        "case": case,
        "absorbed": selectors.absorbed(case),
        "merged_into": merged_into.details.get("into") if merged_into else "",
        "can_record": can_record,
        "merge_form": MergeForm() if can_record and not merged_into else None,
        "note_form": NoteForm(),
    }


class IntakeConfig(AppConfig):
    name = "homeward.intake"
    label = "intake"

    def ready(self):
        from homeward import ui
        from homeward.access import RECORDING

        ui.add_nav_item(ui.NavItem(_("New report"), "intake:new_case", RECORDING, order=20))
        ui.add_nav_item(ui.NavItem(_("Upload register"), "intake:upload", RECORDING, order=21))
        ui.add_nav_item(ui.NavItem(_("Possible duplicates"), "intake:reviews", RECORDING, order=22))
        ui.add_case_panel(ui.CasePanel("intake/case_panel.html", _case_panel, order=30))
