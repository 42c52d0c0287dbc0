from django.urls import path

from plaint.portal import views

app_name = "portal"
urlpatterns = [
    path("complaints/<slug:slug>/", views.how_to, name="how-to"),
    path("complaints/<slug:slug>/procedure.svg", views.diagram, name="diagram"),
    path("complaints/<slug:slug>/branding.css", views.branding, name="branding"),
    path("complaints/<slug:slug>/new/", views.new, name="new"),
    path("complaints/<slug:slug>/received/", views.received, name="received"),
    path("track/", views.track_request, name="track-request"),
    path("track/code/", views.track_code, name="track-code"),
    path("track/case/", views.track_opened, name="track-opened"),
    path("track/case/letters/<int:pk>/", views.track_opened_letter, name="track-opened-letter"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/letters/<int:pk>/", views.track_letter, name="track-letter"),
]
