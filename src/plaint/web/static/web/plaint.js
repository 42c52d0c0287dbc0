// Plaint's only page script, loaded as a module from our own origin (the content security policy allows no inline
// script). It does what GOV.UK Frontend's inline snippet would: marks the page as having JavaScript and, since a
// browser that runs modules runs GOV.UK Frontend, as supported; then it starts the components. Pages work without it.
const body = document.body;
body.classList.add("js-enabled", "govuk-frontend-supported");
const script = document.querySelector("script[data-govuk-frontend]");
if (script) {
  import(script.dataset.govukFrontend).then((govuk) => govuk.initAll());
}
