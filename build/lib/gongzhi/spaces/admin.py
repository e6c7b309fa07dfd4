from django.contrib import admin

from gongzhi.spaces.models import CareLog, MaintenanceDuty, Space, SpaceEvent, SpacePhoto


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "kind", "state", "is_public")
    list_filter = ("kind", "state", "community")
    search_fields = ("name",)
    readonly_fields = ("geom_type", "lat", "lon", "min_lon", "min_lat", "max_lon", "max_lat",
                       "area_m2", "length_m")


@admin.register(MaintenanceDuty)
class MaintenanceDutyAdmin(admin.ModelAdmin):
    list_display = ("task", "space", "organisation", "next_due", "is_active")
    list_filter = ("is_active", "community")


admin.site.register(SpaceEvent)
admin.site.register(SpacePhoto)
admin.site.register(CareLog)
