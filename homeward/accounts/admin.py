"""The Django admin for accounts, offices and partners: every change of who may see what is on the audit trail.

A role, office, country or partner decides which cases and figures an account reaches, so a change
made here writes an audit entry with the access-relevant fields before and after, in the admin's
own transaction, like any change made through the services.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from homeward.audit import services as audit

from .models import Office, Partner, User


def _value(obj, field: str):
    value = getattr(obj, field)
    if hasattr(value, "all"):  # groups, permissions
        return sorted(str(item) for item in value.all())
    if hasattr(value, "_meta"):  # an office or partner: its code, which names it for good
        return value.code
    return value


class AuditedAdmin(admin.ModelAdmin):
    """save_model/delete_model write an audit entry with `audited_fields` before and after."""

    audited_fields: tuple[str, ...] = ()
    related_fields: tuple[str, ...] = ()  # many-to-many: saved after save_model, audited after them

    def _snapshot(self, obj) -> dict:
        return {field: _value(obj, field) for field in self.audited_fields}

    def _stored(self, obj) -> dict:
        if obj.pk is None:
            return {}
        stored = type(obj).objects.filter(pk=obj.pk).first()
        return self._snapshot(stored) if stored else {}

    def save_model(self, request, obj, form, change):
        before = self._stored(obj) if change else {}
        super().save_model(request, obj, form, change)
        # Written in save_related, once the groups and permissions are saved too.
        request._homeward_audit_before = before

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_homeward_audit_before", {})
        after = self._snapshot(obj)
        if change:
            changed = {field for field in after if before.get(field) != after[field]}
            before = {field: before.get(field) for field in sorted(changed)}
            after = {field: after[field] for field in sorted(changed)}
            if not changed:
                return
        audit.record_change(request.user, obj, action=audit.Action.CHANGE if change else audit.Action.CREATE,
                            before=before, after=after, detail="admin")

    def delete_model(self, request, obj):
        before = self._snapshot(obj)
        pk, label = obj.pk, str(obj)
        super().delete_model(request, obj)
        audit.record(request.user, audit.Action.CHANGE, target_type=obj._meta.label_lower, target_id=str(pk),
                     label=label, changes={"before": before, "after": {}, "deleted": True}, detail="admin: deleted")

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Office)
class OfficeAdmin(AuditedAdmin):
    audited_fields = ("code", "name", "country")
    list_display = ("code", "name", "country")


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    audited_fields = ("code", "name", "country", "language")
    list_display = ("code", "name", "country")


@admin.register(User)
class HomewardUserAdmin(AuditedAdmin, UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Homeward", {"fields": ("role", "office", "country", "partner")}),)
    list_display = ("username", "role", "office", "is_active")
    audited_fields = ("username", "role", "office", "country", "partner", "is_active", "is_staff", "is_superuser",
                      "groups", "user_permissions")

    def user_change_password(self, request, id, form_url=""):
        """A password set here is a change of who can sign in: on the record (never the password)."""
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if user is not None and before is not None and user.password != before:
                audit.record_change(request.user, user, after={"password": "changed"}, detail="admin")
        return response
