from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from gongzhi.api.api import api

admin.site.site_header = "共治 Gongzhi"

urlpatterns = [
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("c/<slug:slug>/", include("gongzhi.accounts.community_urls")),
    path("c/<slug:slug>/ledger/", include("gongzhi.places.urls")),
    path("c/<slug:slug>/orgs/", include("gongzhi.orgs.urls")),
    path("inbox/", include("gongzhi.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The participation apps route full paths such as c/<slug>/map/ themselves.
urlpatterns += [
    path("", include(f"gongzhi.{app}.urls"))
    for app in ("spaces", "reports", "projects", "meetings", "decisions", "volunteers")
]

if settings.SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
