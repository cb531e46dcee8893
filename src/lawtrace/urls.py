"""URL map: each app owns its own prefix."""

from django.contrib import admin
from django.urls import include, path

from lawtrace.api import api

admin.site.site_header = "执法全过程记录与公示系统 · 管理"
admin.site.site_title = "lawtrace 管理"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lawtrace.orgs.urls")),
    path("", include("lawtrace.ledger.urls")),
    path("", include("lawtrace.cases.urls")),
    path("", include("lawtrace.leads.urls")),
    path("", include("lawtrace.records.urls")),
    path("", include("lawtrace.documents.urls")),
    path("", include("lawtrace.disclosure.urls")),
    path("", include("lawtrace.evidence.urls")),
    path("", include("lawtrace.rulebook.urls")),
]

# The error pages in Chinese, leading back to the portal or the workbench (lawtrace/error_views.py).
handler400 = "lawtrace.error_views.bad_request"
handler403 = "lawtrace.error_views.permission_denied"
handler404 = "lawtrace.error_views.page_not_found"
handler500 = "lawtrace.error_views.server_error"
