"""The audit log in admin: read-only, for editors and superusers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "who", "action", "object_label", "object_type", "address"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    list_select_related = ["actor"]
    search_fields = ["actor_name", "object_label", "object_id", "address"]
    date_hierarchy = "at"
    fields = [
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "details",
        "address",
    ]
    readonly_fields = fields

    @admin.display(description=_("who"), ordering="actor_name")
    def who(self, event):
        return event.actor_name or _("system")

    # Nobody writes the log by hand, changes it or deletes from it: only the actions do.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
