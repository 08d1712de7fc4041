"""Who may see and do what. Every page, API endpoint, export and command goes through here."""

from .rules import ALL_STAFF, PERSON_LEVEL, RECORDING, Role, view_access
from .scoping import figures_origin, visible_cases

__all__ = ["ALL_STAFF", "PERSON_LEVEL", "RECORDING", "Role", "figures_origin", "view_access", "visible_cases"]
