"""Who may see and do what. Every page, API endpoint, export and command goes through here."""

from . import suppression
from .rules import ALL_STAFF, PERSON_LEVEL, RECORDING, Role, view_access
from .scoping import cases_sent_to_partner, figures_origin, visible_cases

__all__ = ["ALL_STAFF", "PERSON_LEVEL", "RECORDING", "Role", "cases_sent_to_partner", "figures_origin",
           "suppression", "view_access", "visible_cases"]
