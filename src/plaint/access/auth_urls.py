"""`/accounts/` (inside i18n_patterns, so `/nl/accounts/...` is Dutch): login in two steps, logout, password reset."""

from __future__ import annotations

from django.urls import path

from plaint.access import auth_views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.login_password, name="login"),
    path("login/code/", auth_views.login_code, name="login-code"),
    path("login/enrol/", auth_views.enrol, name="enrol"),
    path("recovery-codes/", auth_views.recovery_codes, name="recovery-codes"),
    path("recovery-codes/new/", auth_views.recovery_codes_new, name="recovery-codes-new"),
    path("logout/", auth_views.logout, name="logout"),
    path("password-reset/", auth_views.password_reset, name="password-reset"),
    path("password-reset/sent/", auth_views.password_reset_sent, name="password-reset-sent"),
    path("reset/<uidb64>/<token>/", auth_views.password_reset_confirm, name="password-reset-confirm"),
    path("reset/done/", auth_views.password_reset_complete, name="password-reset-complete"),
]
