"""Where a request came from: the client address through trusted proxies only, the user agent, a request id."""

from __future__ import annotations

from django.test import RequestFactory

from plaint.access.audit_services import audit_source_from_request

FORWARDED = "203.0.113.66, 198.51.100.9, 192.0.2.1"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    # Given no trusted proxy, when a client claims another address
    settings.PLAINT_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=FORWARDED)
    # then the connection's address counts
    assert audit_source_from_request(request).ip_address == "192.0.2.10"


def test_behind_trusted_proxies_the_address_the_outermost_one_saw_counts(settings):
    # Given one, two, and more trusted proxies than the header has entries (then the connection's address counts)
    factory = RequestFactory()
    for proxies, expected in ((1, "192.0.2.1"), (2, "198.51.100.9"), (5, "10.0.0.2")):
        settings.PLAINT_PROXY_COUNT = proxies
        request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=FORWARDED)
        # then the entry appended by the outermost trusted proxy is the client
        assert audit_source_from_request(request).ip_address == expected


def test_a_garbled_address_is_left_out(settings):
    settings.PLAINT_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="<script>")
    assert audit_source_from_request(request).ip_address is None


def test_the_user_agent_is_truncated_and_printable():
    request = RequestFactory().get("/", HTTP_USER_AGENT="Bot\x00\n" + "x" * 500)
    agent = audit_source_from_request(request).user_agent
    assert agent.startswith("Botxx") and len(agent) == 300


def test_one_request_keeps_one_request_id_and_a_client_cannot_choose_it(settings):
    # Given no trusted proxy, when a client sends its own request id
    settings.PLAINT_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="chosen-by-client")
    first, second = audit_source_from_request(request), audit_source_from_request(request)
    # then Plaint makes one up, the same for every record of the request
    assert first.request_id == second.request_id != "chosen-by-client"
    # and behind a trusted proxy, the proxy's id is kept
    settings.PLAINT_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="proxy-7f3a")
    assert audit_source_from_request(request).request_id == "proxy-7f3a"
