from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Office, Partner, User

admin.site.register(Office)
admin.site.register(Partner)


@admin.register(User)
class HomewardUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Homeward", {"fields": ("role", "office", "country", "partner")}),)
    list_display = ("username", "role", "office", "is_active")
