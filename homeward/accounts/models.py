from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A ministry desk, embassy or consulate that is responsible for cases."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code of the country the office serves"))

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A host-country agency that Homeward exchanges lists with (e.g. a ministry of defence)."""

    code = models.SlugField(max_length=32, unique=True, help_text=_("Short code such as RU-MOD"))
    name = models.CharField(max_length=300)
    country = models.CharField(max_length=2)
    language = models.CharField(max_length=8, default="ru")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        HQ_OFFICER = "hq_officer", _("HQ officer")
        MISSION_OFFICER = "mission_officer", _("Mission officer")
        HOST_LIAISON = "host_liaison", _("Host liaison")
        ANALYST = "analyst", _("Analyst")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.HQ_OFFICER)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    country = models.CharField(max_length=2, blank=True, help_text=_("Origin country an HQ officer serves"))
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="liaisons",
                                help_text=_("The partner agency a host liaison works for"))


class FailedLogin(models.Model):
    """A wrong password, kept for a while so that guessing can be slowed per account and per address."""

    username = models.CharField(max_length=150, db_index=True)
    client_address = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
