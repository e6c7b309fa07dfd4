from django.contrib import admin

from gongzhi.memory.models import Collection, MemoryItem


@admin.register(MemoryItem)
class MemoryItemAdmin(admin.ModelAdmin):
    """Read-only: items change through the services (moderation, takedown), audited."""

    list_display = ["title", "community", "kind", "status", "licence", "published_at"]
    list_filter = ["status", "kind", "licence"]
    search_fields = ["title"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "is_featured", "order"]

    def has_add_permission(self, request):
        return False
