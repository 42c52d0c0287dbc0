from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from plaint.access.auth_views import admin_login
from plaint.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ops/", include("plaint.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("plaint.api.urls")),
    path("mail/inbound/", include("anymail.urls")),  # hosted mail providers' inbound webhooks (docs/mail.md)
]
urlpatterns += i18n_patterns(
    path("accounts/", include("plaint.access.auth_urls")),
    # The admin's own login form would skip the second factor: it hands over to the staff login.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("plaint.portal.urls")),
    path("workspace/", include("plaint.workspace.urls")),
    prefix_default_language=False,
)

# Under /api/ Django's own error pages are JSON in the API's error shape (plaint.api.errors); elsewhere Django's pages.
handler400 = "plaint.api.errors.bad_request"
handler403 = "plaint.api.errors.permission_denied"
handler404 = "plaint.api.errors.page_not_found"
handler500 = "plaint.api.errors.server_error"
