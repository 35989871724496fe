"""Our Indonesian catalogue (locale/id) is what the site speaks where Wagtail's is incomplete:
the compiled .mo that is committed must say exactly what the .po says (`make messages`
rebuilds it), and Django must use it over Wagtail's own."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"
FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r'\\([nt"\\])', lambda m: ESCAPES[m.group(1)], text)


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: {"msgid": ..., "msgid_plural"?: ..., "msgstr" or
    "msgstr[0]": ...}, the header left out. Enough of the format for our catalogue."""
    entries, entry, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {}, None
            continue
        if match := FIELD.match(line):
            field = match.group(1)
            entry[field] = _unquote(match.group(2))
        elif line.startswith('"') and field:
            entry[field] += _unquote(line[1:-1])
    return entries


DOMAINS = ["django", "djangojs"]  # the templates and Python; the admin's scripts


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_mo_says_what_the_po_says(domain):
    entries = po_entries(CATALOGUE / f"{domain}.po")
    with (CATALOGUE / f"{domain}.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert len(entries) > 40
    for entry in entries:
        if "msgid_plural" in entry:
            for n in (1, 2):
                assert (
                    catalogue.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    == entry["msgstr[0]"]
                ), entry["msgid"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
    # and nothing more: an entry removed from the .po is gone from the .mo too
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalogue._catalog}
    assert compiled_ids - {""} == {entry["msgid"] for entry in entries}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated(domain):
    untranslated = [
        entry["msgid"]
        for entry in po_entries(CATALOGUE / f"{domain}.po")
        if not entry.get("msgstr", entry.get("msgstr[0]"))
    ]

    assert untranslated == []


def test_our_catalogue_wins_over_wagtails():
    with translation.override("id"):
        assert translation.gettext("Snippets") == "Data pendukung"  # Wagtail says "Potongan"
        assert translation.gettext("Reports") == "Laporan"  # Wagtail leaves it English
        assert translation.gettext("This field is required.") == "Kolom ini wajib diisi."
        assert translation.gettext("Save draft") == "Simpan konsep"  # Wagtail's own, kept


@pytest.mark.django_db
def test_the_admin_scripts_get_our_translations(client, trainer):
    client.force_login(trainer)

    catalogue = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()

    assert "Tutup semua" in catalogue  # "Collapse all", left English by Wagtail
    assert "Sisipkan blok" in catalogue
