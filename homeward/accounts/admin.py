from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Office, User

admin.site.register(Office)


@admin.register(User)
class HomewardUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Homeward", {"fields": ("role", "office", "country")}),)
    list_display = ("username", "role", "office", "is_active")
