from django.contrib import admin

from plaint.portal.models import PortalBranding


@admin.register(PortalBranding)
class PortalBrandingAdmin(admin.ModelAdmin[PortalBranding]):
    list_display = ("organisation", "brand_colour", "link_colour")
    autocomplete_fields = ()
