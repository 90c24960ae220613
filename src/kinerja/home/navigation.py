"""The navigation follows the domain. Sections whose module is not built yet are shown as such, not faked."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str | None  # None: the module is not available yet
    icon: str

    def url(self) -> str | None:
        if self.url_name is None:
            return None
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("home", _("Beranda"), "home:home", "⌂"),
    NavItem("organisations", _("Organisasi"), "organisations:unit-list", "▦"),
    NavItem("strategy", _("Strategi"), "strategy:index", "◇"),
    NavItem("kpis", pgettext_lazy("navigasi", "IKU"), "kpis:index", "◎"),
    NavItem("contracts", _("Kontrak"), "contracts:index", "✎"),
    NavItem("realizations", _("Capaian"), "reporting:index", "▲"),
    NavItem("appraisals", _("Penilaian Pegawai"), "appraisals:index", "☺"),
    NavItem("meetings", _("Rapat Kinerja"), "meetings:index", "☷"),
    NavItem("dashboards", _("Laporan"), "dashboards:index", "▤"),
)
