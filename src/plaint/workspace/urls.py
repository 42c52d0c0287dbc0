"""`/workspace/` (inside i18n_patterns: `/nl/workspace/` is Dutch): the staff pages (docs/workspace.md)."""

from __future__ import annotations

from django.urls import path

from plaint.workspace import (
    analysis_views,
    intake_views,
    outbox_views,
    people_views,
    procedure_activation,
    record_views,
    settings_views,
    views,
    views_letter_templates,
    views_letters,
    views_mail,
)

app_name = "workspace"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("views/", views.saved_view_create, name="saved-view-create"),
    path("views/<int:view_id>/", views.saved_view_open, name="saved-view"),
    path("views/<int:view_id>/remove/", views.saved_view_remove, name="saved-view-remove"),
    path("cases/<int:case_id>/", views.case_detail_page, name="case"),
    path("cases/<int:case_id>/actions/<slug:slug>/", views.case_action, name="case-action"),
    path("cases/<int:case_id>/classification/", record_views.classify, name="case-classify"),
    path("cases/<int:case_id>/documents/", record_views.document_add, name="case-document-add"),
    path("cases/<int:case_id>/sensitive/", record_views.sensitive_sections, name="case-sensitive"),
    path("cases/<int:case_id>/parties/", record_views.party_add, name="case-party-add"),
    path("cases/<int:case_id>/consent/", record_views.consent_record, name="case-consent"),
    path("intake/", intake_views.intake_page, name="intake"),
    path("follow-up/", views.follow_up_page, name="follow-up"),
    path("procedures/", intake_views.procedures_page, name="procedures"),
    path("analysis/", analysis_views.analysis_page, name="analysis"),
    path("procedures/check/", intake_views.procedure_check_page, name="procedure-check"),
    path(
        "procedures/<slug:procedure_id>/<int:version>/diagram.svg",
        intake_views.procedure_diagram,
        name="procedure-diagram",
    ),
    path("people/", people_views.people_page, name="people"),
    path("people/add/", people_views.person_add, name="person-add"),
    path("people/<int:membership_id>/", people_views.membership_edit, name="person"),
    path("people/<int:membership_id>/end/", people_views.membership_end, name="person-end"),
    path("people/<int:membership_id>/invite/", people_views.membership_invite, name="person-invite"),
    path("cases/<int:case_id>/emails/<int:email_id>/resend/", outbox_views.email_send_again, name="case-email-resend"),
    path("cases/<int:case_id>/effects/<int:effect_id>/retry/", outbox_views.effect_try_again, name="case-effect-retry"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("letters/", views_letters.letters_page, name="letters"),
    path("letters/templates/", views_letter_templates.templates_page, name="letter-templates"),
    path(
        "letters/templates/<slug:procedure_id>/<slug:letter_key>/<slug:language>/",
        views_letter_templates.template_edit_page,
        name="letter-template",
    ),
    path("letters/drafts/<int:effect_id>/", views_letters.letter_draft_page, name="letter-draft"),
    path("letters/<int:letter_id>/pdf/", views_letters.letter_pdf, name="letter-pdf"),
    path("letters/<int:letter_id>/posted/", views_letters.letter_posted, name="letter-posted"),
    path("procedures/activate/", procedure_activation.procedure_activate_page, name="procedure-activate"),
    path("mail/", views_mail.quarantine_page, name="mail-quarantine"),
    path("mail/<int:message_id>/", views_mail.message_page, name="mail-message"),
    path("mail/<int:message_id>/case/", views_mail.message_case_make, name="mail-message-case"),
    path("mail/<int:message_id>/attach/", views_mail.message_attach, name="mail-message-attach"),
    path("mail/<int:message_id>/discard/", views_mail.message_discard, name="mail-message-discard"),
    path("cases/<int:case_id>/language/", views_mail.case_language, name="case-language"),
]
