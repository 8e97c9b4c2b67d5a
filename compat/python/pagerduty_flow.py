"""The `pagerduty` package (unmodified, from PyPI) against Klaxon: it accepts only https:// base
URLs, so the suite serves Klaxon over TLS; the CA is trusted through SSL_CERT_FILE."""

import os
import sys

import pagerduty
from flow import run


def main():
    base, token, sender = os.environ["KLAXON_URL"], os.environ["KLAXON_TOKEN"], os.environ["KLAXON_FROM"]
    rest = pagerduty.RestApiV2Client(token, default_from=sender)
    rest.url = base

    def events(key):
        client = pagerduty.EventsApiV2Client(key)
        client.url = base
        return client

    def change_event(key, summary, source, timestamp):
        events(key).send_change_event(payload={"summary": summary, "source": source, "timestamp": timestamp})

    sys.exit(1 if run("pagerduty", rest, events, change_event, pagerduty.HttpError) else 0)


main()
