"""Every link a message carries (notifications' table of paths) is a page the web app serves: two services
agree through this test, as services agree through the contracts, and neither imports the other."""

import re

from notifications.adapters.links import PATHS
from web.console import people as console_home
from web.entrypoints import account, catalogue, events, mentorship, notices


def test_every_page_a_message_links_to_is_a_page_of_the_web_app():
    def shape(path: str) -> str:
        return re.sub(r"\{\w+\}", "{}", path)

    served = {shape(route.path) for pages in (account, catalogue, events, mentorship, notices, console_home)
              for route in pages.router.routes if "GET" in getattr(route, "methods", ())}
    assert sorted({shape(path) for path in PATHS.values()} - served) == []
