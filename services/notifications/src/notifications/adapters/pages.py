"""The pages this service shows itself: asking to confirm an unsubscribe link (a plain GET changes nothing, since
mail scanners follow links), and saying it is done, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.model import Category
from .email import _template
from .i18n import Reader
from .links import Links
from .messages import category_label


@dataclass(frozen=True)
class Page:
    title: str
    paragraphs: list[str]
    button: str | None = None
    link_label: str | None = None
    link_url: str | None = None


def unsubscribe_page(reader: Reader, category: Category, links: Links, *, done: bool) -> str:
    _ = reader.gettext
    label = {"category": category_label(category, _)}
    if done:
        page = Page(_("You will get no more “%(category)s” emails") % label,
                    [_("They will still appear in your inbox on the platform. You can turn them back on at any time "
                       "in your notification settings.")],
                    link_label=_("Manage your notifications"), link_url=links.to("notification_settings"))
    else:
        page = Page(_("Stop “%(category)s” emails?") % label,
                    [_("You will no longer receive “%(category)s” emails. They will still appear in your inbox on the "
                       "platform, and you can turn them back on in your notification settings.") % label],
                    button=_("Stop these emails"), link_label=_("Manage your notifications"),
                    link_url=links.to("notification_settings"))
    return _template("page.html").render(page=page, language=reader.language)
