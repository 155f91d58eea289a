from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

# The site's error pages, or JSON under /api/ (annotations/partners/api/errors.py).
handler400 = "annotations.partners.api.errors.bad_request"
handler403 = "annotations.partners.api.errors.permission_denied"
handler404 = "annotations.partners.api.errors.page_not_found"
handler500 = "annotations.partners.api.errors.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the API's JSON, the
    # archived sources): the site's icon, not a 404 in the log and the console.
    path(
        "favicon.ico",
        # Resolved per request: the manifest of hashed names may not exist at import.
        login_not_required(RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    ),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("annotations.partners.api.urls")),
    path("", include("annotations.ingest.urls")),
    path("", include("annotations.review.urls")),
    path("", include("annotations.tagging.urls")),
    path("", include("annotations.editorial.urls")),
    path("", include("annotations.publishing.urls")),
]
