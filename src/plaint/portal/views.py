"""The public pages (docs/portal.md). Thin: a form checks syntax, a service or selector does the rest."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from plaint.access.middleware import client_ip_address
from plaint.cases.attachment_services import attachment_add, attachment_check
from plaint.cases.errors import ActionNotAllowed
from plaint.cases.models import Case, PartyRole
from plaint.cases.party_services import party_consent_record, party_consent_withdraw
from plaint.cases.selectors import case_view
from plaint.cases.services import PartyInput, Registration, case_complainant_act
from plaint.core import clock
from plaint.core.audit import audit_source
from plaint.core.errors import PlaintError
from plaint.correspondence.selectors import letters_of_case
from plaint.engine.render import procedure_diagram_svg, procedure_policy_html
from plaint.portal import selectors
from plaint.portal.forms import CaseForm, TrackActionForm, TrackCodeForm, TrackRequestForm
from plaint.portal.services import access_code_send, access_code_use, portal_case_submit, tracking_link_send

#: The receipt page's cookie (signed): the case just sent and its private link's token.
RECEIPT_COOKIE = "plaint_receipt"
RECEIPT_SALT = "plaint.portal.receipt"
SESSION_ACCESS = "portal_case_opened"
SESSION_CODE_REFERENCE = "portal_code_reference"
#: How long a case opened with a one-time code stays open in the session.
SESSION_ACCESS_LIFETIME = dt.timedelta(hours=1)


def client_key(group: str, request: HttpRequest) -> str:
    return client_ip_address(request) or "unknown"


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    return bool(is_ratelimited(request, group=group, key=client_key, rate=rate, method="POST", increment=True))


def too_many(request: HttpRequest) -> HttpResponse:
    """429 in the person's language (the URL's), never a 500 or a bare 403."""
    response = render(request, "portal/too_many.html", status=429)
    response["Retry-After"] = "3600"
    return response


def _context(organisation: Any, **extra: Any) -> dict[str, Any]:
    return {"organisation": organisation, "branding": getattr(organisation, "portal_branding", None), **extra}


def branding(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's generated stylesheet: GOV.UK Frontend's colour properties, from checked colours only."""
    from plaint.portal.branding import text_on
    from plaint.portal.models import PortalBranding

    look = PortalBranding.objects.filter(organisation__slug=slug).first()
    css = ""
    if look is not None:
        css = (
            ":root{"
            f"--govuk-brand-colour:{look.brand_colour};"
            f"--plaint-brand-text-colour:{text_on(look.brand_colour)};"
            f"--govuk-link-colour:{look.link_colour};"
            "}\n"
        )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def how_to(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, procedure = selectors.portal_organisation(slug=slug)
    lang = translation.get_language() or "en"
    policy = procedure_policy_html(procedure, lang=lang if lang in ("en", "nl") else "en")
    # The page has its own h1: the policy's headings go one level down (h1 → h2, h2 → h3, h3 → h4).
    for level in (3, 2, 1):
        policy = policy.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return render(request, "portal/how_to.html", _context(organisation, procedure=procedure, policy=policy))


def diagram(request: HttpRequest, slug: str) -> HttpResponse:
    """The procedure's flow chart as an SVG image (its own <style> needs the narrow CSP exception of its view)."""
    _organisation, procedure = selectors.portal_organisation(slug=slug)
    lang = translation.get_language() or "en"
    svg = procedure_diagram_svg(procedure, lang=lang if lang in ("en", "nl") else "en")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


#: The blank form's fields (everything inside <form> but the CSRF token), rendered once per process, language and
#: preselected kind: they depend on nothing else (not the organisation, not the request), so nothing invalidates them
#: but a new release (with DEBUG on, nothing is kept). Rendering 17 GOV.UK field groups through the form renderer
#: was a third of a case's CPU.
_BLANK_FIELDS: dict[tuple[str, str | None], str] = {}
_KEY_SLOT = "@@submission@@"
_KINDS = frozenset({"complaint", "compliment", "suggestion"})


def _blank_fields(lang: str, kind: str | None, submission: str) -> str:
    """The blank form's fields with a new submission key (hex, so nothing to escape): the markup
    `portal/form_fields.html` renders for an unbound `CaseForm`, byte for byte."""
    key = (lang, kind if kind in _KINDS else None)
    markup = _BLANK_FIELDS.get(key)
    if markup is None:
        form = CaseForm(initial={"submission": _KEY_SLOT}, kind=key[1], language=lang)
        markup = render_to_string("portal/form_fields.html", {"form": form})
        if not settings.DEBUG:  # in development a changed template shows at once
            _BLANK_FIELDS[key] = markup
    return mark_safe(markup.replace(f'value="{_KEY_SLOT}"', f'value="{submission}"', 1))  # noqa: S308


#: The blank form's whole page, per organisation (the object `portal_intake` keeps: a new one after any change),
#: language and address (no query, or one known `kind`), with slots for the CSRF token and the submission key.
_BLANK_PAGES: dict[tuple[str, str, str], tuple[Any, str]] = {}
_CSRF_SLOT = "@@csrf@@"


def _blank_page(request: HttpRequest, organisation: Any, lang: str) -> HttpResponse:
    """The blank form: its page rendered once (the templates depend on the organisation, the language and the
    address only: the language switch links to this address in the other language) and given this visitor's CSRF
    token and a new submission key. Any other query string renders the page through the templates."""
    kind = request.GET.get("kind")
    path = request.get_full_path()
    cacheable = not settings.DEBUG and (not request.GET or (len(request.GET) == 1 and kind in _KINDS))
    key = (organisation.slug, lang, path)
    kept = _BLANK_PAGES.get(key) if cacheable else None
    if kept is None or kept[0] is not organisation:
        fields = _blank_fields(lang, kind, _KEY_SLOT)
        context = _context(organisation, blank_fields=fields, csrf_token=_CSRF_SLOT)
        page = str(render_to_string("portal/form.html", context, request=request))
        if not cacheable:
            return HttpResponse(page.replace(_CSRF_SLOT, get_token(request)).replace(_KEY_SLOT, uuid.uuid4().hex))
        if len(_BLANK_PAGES) > 1000:  # addresses are few (organisations × languages × kinds); bound it anyway
            _BLANK_PAGES.clear()
        kept = _BLANK_PAGES[key] = (organisation, page)
    page = kept[1]
    return HttpResponse(page.replace(_CSRF_SLOT, get_token(request), 1).replace(_KEY_SLOT, uuid.uuid4().hex, 1))


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, in_force = selectors.portal_intake(slug=slug)
    procedure = in_force.procedure
    lang = translation.get_language() or "en"
    if request.method == "GET":
        return _blank_page(request, organisation, lang)
    if _limited(request, "portal-submit", settings.PLAINT_PORTAL_SUBMIT_RATE):
        return too_many(request)
    form = CaseForm(request.POST, request.FILES, language=lang)
    late = None
    if form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # The honeypot was filled in: a robot. Say nothing useful, make nothing.
            form.add_error(None, _("The form could not be sent. Please try again."))
        for field in ("documents", "authorisation"):
            upload = data.get(field)
            if upload:
                try:
                    attachment_check(file=upload)
                except PlaintError as error:
                    form.add_error(field, str(error.detail if hasattr(error, "detail") else error))
    if form.is_valid():
        data = form.cleaned_data
        today = clock.today_in(organisation.time_zone)
        if data["kind"] == "complaint" and data["incident_date"]:
            late = selectors.time_limit_check(
                procedure=procedure, incident=data["incident_date"], today=today, lang=lang
            )
        if late is not None and not data["late_confirmed"]:
            confirmed = request.POST.copy()
            confirmed["late_confirmed"] = "on"
            form = CaseForm(confirmed, language=lang)
            form.is_valid()
            return render(request, "portal/form.html", _context(organisation, form=form, late=late, files_again=True))
        receipt = portal_case_submit(
            organisation=organisation,
            procedure=procedure,
            registration=_registration(data, today),
            submission_key=data["submission"],
            contact_email=data["email"],
            contact_name=data["name"],
            site_url=request.build_absolute_uri("/"),
            procedure_day=in_force.day,
        )
        if receipt.created:
            for field in ("authorisation", "documents"):
                if data.get(field):
                    attachment_add(case=receipt.case, actor=None, file=data[field], description=str(form[field].label))
        response = HttpResponseRedirect(reverse("portal:received", kwargs={"slug": organisation.slug}))
        response.status_code = 303
        if receipt.created:
            _receipt_keep(response, case_id=receipt.case.pk, token=receipt.token or "")
        return response
    return render(request, "portal/form.html", _context(organisation, form=form, files_again=bool(request.FILES)))


def _registration(data: dict[str, Any], today: Any) -> Registration:
    contact = PartyInput(role=PartyRole.COMPLAINANT, name=data["name"], email=data["email"], phone=data["phone"])
    representative = None
    if data["on_behalf"]:
        contact, representative = (
            PartyInput(role=PartyRole.COMPLAINANT, name=data["represented_name"]),
            PartyInput(
                role=PartyRole.REPRESENTATIVE,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                authorisation=data["relationship"],
                consent_given_on=today if data["consent"] else None,
            ),
        )
    description = data["description"]
    if data["about"]:
        description += "\n\n" + _("About: %(about)s") % {"about": data["about"]}
    if data["wanted"]:
        description += "\n\n" + _("Would like: %(wanted)s") % {"wanted": data["wanted"]}
    return Registration(
        kind=data["kind"],
        channel="web_form",
        description=description,
        summary=data["description"][:120],
        complainant=contact,
        representative=representative,
        language=data["language"],
        incident_date=data["incident_date"],
    )


def _receipt_keep(response: HttpResponse, *, case_id: int, token: str) -> None:
    """The receipt (the case and its private link) in a signed cookie, not a session: an anonymous visitor gets no
    session row. HttpOnly, SameSite=Lax, Secure where the session cookie is, and as long-lived as a session."""
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        f"{case_id}:{token}",
        salt=RECEIPT_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _receipt_read(request: HttpRequest) -> tuple[int, str]:
    """The case and token of the receipt cookie; (0, "") when it is missing, altered or too old."""
    value = request.get_signed_cookie(
        RECEIPT_COOKIE, default="", salt=RECEIPT_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    case_id, _sep, token = str(value).partition(":")
    return (int(case_id), token) if case_id.isdigit() else (0, "")


def received(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, procedure = selectors.portal_organisation(slug=slug)
    case_id, token = _receipt_read(request)
    case = Case.objects.filter(pk=case_id, organisation=organisation).first() if case_id else None
    if case is None:
        raise Http404
    lang = translation.get_language() or "en"
    link = request.build_absolute_uri(reverse("portal:track", kwargs={"token": token})) if token else ""
    dates = selectors.promised_dates(case=case, procedure=procedure, lang=lang)
    return render(request, "portal/received.html", _context(organisation, case=case, dates=dates, link=link))


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, token: str) -> HttpResponse:
    """The case by its private link."""
    case = selectors.case_by_token(token=token)
    if case is None:
        return render(request, "portal/track_unknown.html", status=404)
    return _track_page(request, case, token=token)


@require_http_methods(["GET", "POST"])
def track_opened(request: HttpRequest) -> HttpResponse:
    """The case opened with a one-time code: kept in the session for `SESSION_ACCESS_LIFETIME`, then a new code."""
    case = _opened_case(request)
    if case is None:
        response = HttpResponseRedirect(reverse("portal:track-code") + "?expired=1")
        response.status_code = 303
        return response
    return _track_page(request, case, party_id=_opened_party(request))


def _opened_case(request: HttpRequest) -> Case | None:
    stored = request.session.get(SESSION_ACCESS) or {}
    try:
        until = dt.datetime.fromisoformat(str(stored.get("until")))
        case_id = int(stored.get("case") or 0)
    except (TypeError, ValueError):
        return None
    if until <= clock.now():
        request.session.pop(SESSION_ACCESS, None)
        return None
    return Case.objects.filter(pk=case_id, anonymised_on__isnull=True).select_related("organisation").first()


def _opened_party(request: HttpRequest) -> int:
    return int((request.session.get(SESSION_ACCESS) or {}).get("party") or 0)


@require_http_methods(["GET"])
def track_letter(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A letter's PDF by the private link: the same check as the tracking page."""
    case = selectors.case_by_token(token=token)
    if case is None:
        raise Http404
    return _letter_pdf(case, pk, party_id=0)


@require_http_methods(["GET"])
def track_opened_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter's PDF of the case opened with a one-time code in this session."""
    case = _opened_case(request)
    if case is None:
        response = HttpResponseRedirect(reverse("portal:track-code") + "?expired=1")
        response.status_code = 303
        return response
    return _letter_pdf(case, pk, party_id=_opened_party(request))


def _may_see(case: Case, consent_party: Any) -> bool:
    """Whether the person on the page sees the case: the complainant, or a representative with consent (WA-10)."""
    return consent_party is not None or selectors.case_representative_may_see(case=case)


def _letter_pdf(case: Case, pk: int, party_id: int) -> HttpResponse:
    """The stored PDF of a letter to the complainant (or their representative with consent) on this case; any
    other letter, or one of another case, is a 404. Never cached. Not audited, like the tracking page's reads."""
    if not _may_see(case, selectors.consent_party(case=case, opened_by=party_id)):
        raise Http404
    letter = letters_of_case(actor=None, case=case, for_complainant=True).filter(pk=pk).first()
    if letter is None:
        raise Http404
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{case.reference}-{letter.key}").strip("-") or "letter"
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _track_page(request: HttpRequest, case: Case, party_id: int = 0, token: str = "") -> HttpResponse:
    """The case as its complainant sees it. `party_id`: who opened it, when known (a code goes to one address);
    only the complainant themselves, so known, may give or withdraw consent for their representative (WA-10).
    `token`: the private link it was opened with (empty for a case opened with a code)."""
    consent_party = selectors.consent_party(case=case, opened_by=party_id)
    procedure = selectors.case_procedure(case=case)
    lang = translation.get_language() or "en"
    may_see = _may_see(case, consent_party)
    message = ""
    action_form = TrackActionForm()
    if request.method == "POST" and may_see:
        if _limited(request, "portal-track", settings.PLAINT_PORTAL_ACTION_RATE):
            return too_many(request)
        action_form = TrackActionForm(request.POST, request.FILES)
        if action_form.is_valid():
            data = action_form.cleaned_data
            try:
                if data["action"] == "document":
                    if not data["document"]:
                        action_form.add_error("document", _("Choose a file to add."))
                    else:
                        attachment_check(file=data["document"])
                        attachment_add(case=case, actor=None, file=data["document"])
                        message = _("Your document was added to your case.")
                elif data["action"] in ("consent_given", "consent_withdrawn"):
                    if consent_party is None:
                        raise ActionNotAllowed([], allowed=())
                    today = clock.today_for(case.organisation)
                    if data["action"] == "consent_given":
                        party_consent_record(case=case, party=consent_party, given_on=today, actor=None)
                    else:
                        party_consent_withdraw(case=case, party=consent_party, withdrawn_on=today, actor=None)
                    message = selectors.action_done_text(data["action"])
                else:
                    case_complainant_act(case=case, action=data["action"])
                    message = selectors.action_done_text(data["action"])
            except ActionNotAllowed:
                action_form.add_error(None, _("This is not possible at this stage of your case."))
            except PlaintError as error:
                action_form.add_error("document", str(getattr(error, "detail", error)))
            if message:
                # Post/redirect/get: a reload does not repeat the action.
                messages.success(request, message)
                response = HttpResponseRedirect(request.path)
                response.status_code = 303
                return response
    context = _track_context(case, procedure, lang, may_see, action_form, message)
    context["consent_party"] = consent_party
    context["letters"] = [
        (
            letter,
            reverse("portal:track-letter", kwargs={"token": token, "pk": letter.pk})
            if token
            else reverse("portal:track-opened-letter", kwargs={"pk": letter.pk}),
        )
        for letter in (letters_of_case(actor=None, case=case, for_complainant=True) if may_see else [])
    ]
    return render(request, "portal/track.html", context)


def _track_context(case: Case, procedure: Any, lang: str, may_see: bool, form: Any, message: str) -> dict[str, Any]:
    view = case_view(case=case)
    actions = [
        (event, label)
        for event, label in selectors.complainant_actions(lang=lang)
        if event in view.allowed.get("complainant", ())
    ]
    return _context(
        case.organisation,
        case=case,
        may_see=may_see,
        stage=selectors.stage_words(case=case, procedure=procedure, view=view, lang=lang),
        dates=selectors.promised_dates(case=case, procedure=procedure, lang=lang),
        actions=actions,
        form=form,
        message=message,
    )


@require_http_methods(["GET", "POST"])
def track_request(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time code or a new private link by reference and email address. The answer never says whether
    they matched."""
    form = TrackRequestForm(request.POST or None)
    sent = False
    if request.method == "POST":
        if _limited(request, "portal-link", settings.PLAINT_PORTAL_LINK_RATE):
            return too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            if data["send"] == "code":
                access_code_send(reference=data["reference"], email=data["email"], source=audit_source(request))
                request.session[SESSION_CODE_REFERENCE] = data["reference"]
                response = HttpResponseRedirect(reverse("portal:track-code") + "?asked=1")
                response.status_code = 303
                return response
            tracking_link_send(
                reference=data["reference"],
                email=data["email"],
                site_url=request.build_absolute_uri("/"),
            )
            sent = True
    return render(request, "portal/track_request.html", {"form": form, "sent": sent})


@require_http_methods(["GET", "POST"])
def track_code(request: HttpRequest) -> HttpResponse:
    """Enter the one-time code: the right one opens the case for this session (a new session key, so a session id
    known before cannot ride along)."""
    form = TrackCodeForm(request.POST or None, initial={"reference": request.session.get(SESSION_CODE_REFERENCE, "")})
    if request.method == "POST":
        if _limited(request, "portal-code", settings.PLAINT_PORTAL_CODE_RATE):
            return too_many(request)
        if form.is_valid():
            opened = access_code_use(
                reference=form.cleaned_data["reference"], code=form.cleaned_data["code"], source=audit_source(request)
            )
            if opened is None:
                form.add_error(
                    "code",
                    _("This code does not open a case with that reference. It may be mistyped, used or expired."),
                )
            else:
                request.session.cycle_key()
                request.session.pop(SESSION_CODE_REFERENCE, None)
                request.session[SESSION_ACCESS] = {
                    "case": opened.case_id,
                    "party": opened.party_id,
                    "until": (clock.now() + SESSION_ACCESS_LIFETIME).isoformat(),
                }
                response = HttpResponseRedirect(reverse("portal:track-opened"))
                response.status_code = 303
                return response
    context = {"form": form, "asked": "asked" in request.GET, "expired": "expired" in request.GET}
    return render(request, "portal/track_code.html", context)
