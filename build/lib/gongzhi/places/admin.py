from django.contrib import admin

from gongzhi.places.models import Building, Community, Compound, Household, Region, Unit


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "subdistrict", "is_active"]
    list_filter = ["is_active", "subdistrict"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community"]
    list_filter = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "community", "floors", "year_built"]
    list_filter = ["community"]
    search_fields = ["number", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["number", "building"]
    list_select_related = ["building"]
    raw_id_fields = ["building"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "tenure", "floor_area_m2", "is_shop"]
    list_filter = ["community", "tenure", "is_shop"]
    search_fields = ["room", "building__number", "owner_key"]
    raw_id_fields = ["building", "unit"]
    list_select_related = ["building", "unit", "community"]
