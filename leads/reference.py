"""Reference rows every org has: the org sources (fixed ids) and the org settings row."""

from .models import OrgSettings, OrgSource

ORG_SOURCES = [
    (-1, "INSTORE"),
    (1, "FACEBOOK"),
    (2, "WEB_ENGAGE"),
    (3, "WECHAT"),
    (4, "MARTJACK"),
    (5, "TMALL"),
    (6, "TAOBAO"),
    (7, "JD"),
    (8, "ECOMMERCE"),
    (9, "LINE"),
    (10, "WEBSITE"),
]


def ensure_reference_data() -> None:
    for pk, name in ORG_SOURCES:
        OrgSource.objects.update_or_create(pk=pk, defaults={"name": name})
    OrgSettings.load()
