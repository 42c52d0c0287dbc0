"""`/api/`: the schema, its documentation pages, tokens, cases, and one address per action."""

from __future__ import annotations

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from plaint.api import (
    analysis_views,
    attachment_views,
    classification_views,
    commissioning_views,
    correspondence_views,
    directory_views,
    improvement_views,
    party_views,
    sensitive_views,
    views,
)
from plaint.api.action_serializers import ACTION_INPUTS
from plaint.api.fields import MAX_ID


class IdConverter:
    """A row id in a path: 1 to the largest id the database stores; anything else is no address (a JSON 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path(
        "organisations/<slug:slug>/anonymised-cases/",
        analysis_views.AnonymisedCasesView.as_view(),
        name="anonymised-cases",
    ),
    path(
        "organisations/<slug:slug>/anonymised-cases.csv",
        analysis_views.AnonymisedCasesCsvView.as_view(),
        name="anonymised-cases-csv",
    ),
    path(
        "organisations/<slug:slug>/improvements/",
        improvement_views.ImprovementsView.as_view(),
        name="improvements",
    ),
    path("organisations/<slug:slug>/people/", directory_views.PeopleView.as_view(), name="organisation-people"),
    path("organisations/<slug:slug>/units/", directory_views.UnitsView.as_view(), name="organisation-units"),
    path("cases/", views.CasesView.as_view(), name="cases"),
    path("cases/<id:case_id>/", views.CaseDetailView.as_view(), name="case"),
    path(
        "cases/<id:case_id>/attachments/",
        attachment_views.AttachmentsView.as_view(),
        name="case-attachments",
    ),
    path(
        "cases/<id:case_id>/attachments/<id:attachment_id>/content/",
        attachment_views.AttachmentContentView.as_view(),
        name="case-attachment-content",
    ),
    path(
        "cases/<id:case_id>/attachments/<id:attachment_id>/removal/",
        attachment_views.AttachmentRemoveView.as_view(),
        name="case-attachment-removal",
    ),
    path(
        "cases/<id:case_id>/sensitive-sections/",
        sensitive_views.SensitiveSectionsView.as_view(),
        name="case-sensitive-sections",
    ),
    path(
        "cases/<id:case_id>/classification/",
        classification_views.ClassificationView.as_view(),
        name="case-classification",
    ),
    path(
        "cases/<id:case_id>/commissioning-party/",
        commissioning_views.CommissioningPartyView.as_view(),
        name="case-commissioning-party",
    ),
    path("cases/<id:case_id>/parties/", party_views.PartyAddView.as_view(), name="case-parties"),
    path(
        "cases/<id:case_id>/parties/<id:party_id>/consent/",
        views.ConsentRecordView.as_view(),
        name="case-party-consent",
    ),
    path(
        "cases/<id:case_id>/parties/<id:party_id>/consent/withdrawal/",
        views.ConsentWithdrawView.as_view(),
        name="case-party-consent-withdrawal",
    ),
    path(
        "cases/<id:case_id>/compliment-copy/",
        correspondence_views.ComplimentCopyView.as_view(),
        name="case-compliment-copy",
    ),
    *(
        path(
            f"cases/<id:case_id>/actions/{action}/",
            views.action_view(action, serializer).as_view(),
            name=f"case-{action.replace('_', '-')}",
        )
        for action, serializer in ACTION_INPUTS.items()
    ),
    path(
        "cases/<id:case_id>/actions/<str:action>/",
        views.UnknownActionView.as_view(),
        name="case-unknown-action",
    ),
]
