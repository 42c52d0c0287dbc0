"""Where the vendored front-end files are (written by `make vendor-frontend`, scripts/vendor_frontend.sh).

A version change is one edit here and one in the script; templates and `plaint.js` take the paths from here.
"""

GOVUK_FRONTEND_VERSION = "6.6.0"
HTMX_VERSION = "2.0.11"
GOVUK_FRONTEND = f"web/govuk-frontend-{GOVUK_FRONTEND_VERSION}"
HTMX = f"web/htmx-{HTMX_VERSION}"
