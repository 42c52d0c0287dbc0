"""Security headers on every page: a strict content security policy (django-csp) and the rest, and secure cookies
in production. The admin and the API documentation must work under the policy: no inline script anywhere."""

from __future__ import annotations

import re
import secrets

import pytest
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tests.access.helpers import login_verified
from tests.core.plaint_processes import child_env, plaint

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

# The API's documentation the CSP-friendly way: Swagger UI's start-up script served as a file, not inline.
_api = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
urlpatterns = [path("api/", include((_api, "api")))]


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def inline_styles(page: str) -> list[str]:
    return re.findall(r"<style[^>]*>|\sstyle=\"", page)


def assert_security_headers(response) -> None:
    assert policy(response) == POLICY
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/nl/accounts/login/", "/accounts/password-reset/", "/healthz"])
def test_public_pages_send_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_scripts(response.content.decode()) == []
    assert inline_styles(response.content.decode()) == []


def test_the_admin_works_under_the_policy(client, django_user_model):
    # Given an administrator with both factors
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a long password 12")
    login_verified(client, admin)
    # when the admin's pages are opened, then each has the policy, and no inline script or style it would block
    for url in (
        "/admin/",
        "/admin/access/user/",
        f"/admin/access/user/{admin.pk}/change/",
        "/admin/access/user/add/",
        f"/admin/access/user/{admin.pk}/password/",
        "/nl/admin/organisations/organisation/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        page = response.content.decode()
        assert inline_scripts(page) == [], url
        assert inline_styles(page) == [], url


def test_the_api_documentation_works_under_the_policy(client, settings, django_user_model):
    # Given Swagger UI served with its start-up script as a file (SpectacularSwaggerSplitView)
    settings.ROOT_URLCONF = __name__
    # when the page and its script are fetched
    page = client.get("/api/docs/")
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.content.decode()).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    # then no script is inline (only its styles may be, on this page alone) and the script is served
    assert inline_scripts(page.content.decode()) == []
    assert policy(page)["script-src"] == "'self'"
    assert policy(page)["style-src"] == "'self' 'unsafe-inline'"
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    # and Redoc needs no inline script either
    settings.ROOT_URLCONF = "plaint.config.urls"
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200
    assert inline_scripts(redoc.content.decode()) == []


def test_production_cookies_are_secure(tmp_path):
    # Given the production profile
    env = child_env(
        tmp_path, PLAINT_ENV="production", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="plaint.example.org"
    )
    names = [
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE", "SESSION_SAVE_EVERY_REQUEST", "SESSION_COOKIE_AGE",
    ]  # fmt: skip
    code = f"from django.conf import settings; print(' '.join(str(getattr(settings, n)) for n in {names!r}))"
    # when its settings are read
    result = plaint("shell", "-c", code, env=env)
    # then every cookie is HTTPS-only, the session one out of reach of scripts, and sessions end after 30 idle minutes
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "Lax",
        "True",
        "Lax",
        "True",
        "True",
        "1800",
    ]
    # and Django's deployment checks have nothing to say
    check = plaint("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy(tmp_path):
    code = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    base = {"PLAINT_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "plaint.example.org"}
    # Given the production profile without a proxy, then a client's X-Forwarded-Proto means nothing
    alone = plaint("shell", "-c", code, env=child_env(tmp_path, **base))
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.strip().splitlines()[-1] == "None"
    # and behind one declared proxy, the proxy's header says whether the request was HTTPS
    behind = plaint("shell", "-c", code, env=child_env(tmp_path, **base, PLAINT_PROXY_COUNT="1"))
    assert behind.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
