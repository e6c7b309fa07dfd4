from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.decorators.vary import vary_on_headers
from django.views.i18n import JavaScriptCatalog

from gongzhi.api.api import api
from gongzhi.core.icons import favicon

admin.site.site_header = "共治 Gongzhi"

# The JavaScript catalogue changes only when the code does (a deploy restarts the process):
# browsers keep it a day and revalidate with If-Modified-Since; it varies by language, which
# comes from the cookie or Accept-Language.
_CATALOGUE_BUILT = timezone.now()
javascript_catalog = cache_control(public=True, max_age=86400)(
    vary_on_headers("Cookie", "Accept-Language")(
        last_modified(lambda request, **kwargs: _CATALOGUE_BUILT)(JavaScriptCatalog.as_view())
    )
)

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("c/<slug:slug>/", include("gongzhi.accounts.community_urls")),
    path("c/<slug:slug>/ledger/", include("gongzhi.places.urls")),
    path("c/<slug:slug>/orgs/", include("gongzhi.orgs.urls")),
    path("inbox/", include("gongzhi.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# The participation apps route full paths such as c/<slug>/map/ themselves.
urlpatterns += [
    path("", include(f"gongzhi.{app}.urls"))
    for app in ("spaces", "reports", "projects", "meetings", "decisions", "deliberation",
                "spatial", "surveys", "analytics", "volunteers", "memory", "activities",
                "contests", "news", "points", "talent")
]

if settings.SERVE_MEDIA:
    from django.urls import re_path

    from gongzhi.core.media import media_serve

    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", media_serve))
