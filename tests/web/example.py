"""A page built only from the shared parts (plaint.web), for the infrastructure's own tests: the public base, the
form renderer, the error summary, the date input, the language switch. Served by `tests.web.urls`."""

from __future__ import annotations

from django import forms
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import path, reverse

from plaint.web.forms import DateField, GovukForm

PAGE = """{% extends "web/public.html" %}{% load i18n %}
{% block title %}{% if form.errors %}{% translate "Error:" %} {% endif %}Example{% endblock %}
{% block content %}
<h1 class="govuk-heading-l">Example</h1>
{% include "web/forms/error_summary.html" %}
<form method="post" enctype="multipart/form-data" novalidate>{% csrf_token %}
{{ form }}
<button type="submit" class="govuk-button" data-module="govuk-button">Send</button>
</form>
{% endblock %}"""

DONE = """{% extends "web/public.html" %}{% block title %}Sent{% endblock %}
{% block content %}<div class="govuk-panel"><h1 class="govuk-panel__title">Sent</h1>
<div class="govuk-panel__body">{{ name }}, {{ date }}</div></div>{% endblock %}"""


class ExampleForm(GovukForm):
    name = forms.CharField(label="Your name", max_length=100)
    kind = forms.ChoiceField(
        label="What would you like to send?",
        choices=[("complaint", "A complaint"), ("compliment", "A compliment")],
        widget=forms.RadioSelect,
    )
    when = DateField(label="When did it happen?", help_text="For example, 27 3 2026", past_only=True)
    what = forms.CharField(label="What happened?", widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label="A document", required=False)
    agree = forms.BooleanField(label="I agree")


def example(request: HttpRequest) -> HttpResponse:
    form = ExampleForm(request.POST, request.FILES) if request.method == "POST" else ExampleForm()
    if request.method == "POST" and form.is_valid():
        response = HttpResponseRedirect(
            reverse("example-done") + f"?name={form.cleaned_data['name']}&date={form.cleaned_data['when']}"
        )
        response.status_code = 303
        return response
    return HttpResponse(engines["django"].from_string(PAGE).render({"form": form}, request))


def done(request: HttpRequest) -> HttpResponse:
    context = {"name": request.GET.get("name", ""), "date": request.GET.get("date", "")}
    return HttpResponse(engines["django"].from_string(DONE).render(context, request))


urlpatterns = i18n_patterns(
    path("example/", example, name="example"),
    path("example/done/", done, name="example-done"),
    prefix_default_language=False,
)
