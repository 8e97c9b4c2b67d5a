"""pdpyras (unmodified, from PyPI) against Klaxon: sessions pointed at KLAXON_URL; TLS trusted
through REQUESTS_CA_BUNDLE."""

import os
import sys

import pdpyras
from flow import run


def main():
    base, token, sender = os.environ["KLAXON_URL"], os.environ["KLAXON_TOKEN"], os.environ["KLAXON_FROM"]
    rest = pdpyras.APISession(token, default_from=sender)
    rest.url = base

    def events(key):
        session = pdpyras.EventsAPISession(key)
        session.url = base
        return session

    def change_event(key, summary, source, timestamp):
        session = pdpyras.ChangeEventsAPISession(key)
        session.url = base
        session.submit(summary, source, timestamp=timestamp)

    sys.exit(1 if run("pdpyras", rest, events, change_event, pdpyras.PDHTTPError) else 0)


main()
