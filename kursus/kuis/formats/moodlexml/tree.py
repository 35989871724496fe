"""The XML tree of a Moodle export, built with the standard library's expat driven by hand:
every element knows its source line, a DOCTYPE is refused the moment it starts, and the parse
stops as soon as the file has more questions, elements or nesting than a question bank needs."""

import xml.etree.ElementTree as ET
from xml.parsers import expat

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..types import MAX_QUESTIONS, QuestionFileError

# A Moodle export has a few dozen elements per question, nested six deep.
MAX_ELEMENTS = 250_000
MAX_DEPTH = 32

_EXPAT_MESSAGES = {
    expat.errors.XML_ERROR_TAG_MISMATCH: gettext_lazy("tag penutup tidak cocok dengan tag pembuka"),
    expat.errors.XML_ERROR_INVALID_TOKEN: gettext_lazy("ada karakter atau tanda yang tidak valid"),
    expat.errors.XML_ERROR_NO_ELEMENTS: gettext_lazy(
        "berkas berakhir sebelum semua elemen ditutup"
    ),
    expat.errors.XML_ERROR_UNCLOSED_TOKEN: gettext_lazy("tanda '<' tidak ditutup"),
    expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: gettext_lazy("ada isi setelah penutup </quiz>"),
    expat.errors.XML_ERROR_UNDEFINED_ENTITY: gettext_lazy(
        "entitas tidak dikenal (tulis &nbsp; sebagai &#160;)"
    ),
    expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION: gettext_lazy("bagian CDATA tidak ditutup"),
}


def xml_tree(content: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The root element and {element: its line}; QuestionFileError for a refused file."""
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = questions = 0

    def start(tag, attributes):
        nonlocal depth, questions
        depth += 1
        if depth > MAX_DEPTH:
            raise QuestionFileError(
                _("elemen bersarang lebih dari %(max)s tingkat.") % {"max": MAX_DEPTH},
                line=parser.CurrentLineNumber,
            )
        if len(lines) >= MAX_ELEMENTS:
            raise QuestionFileError(
                _("berkas berisi lebih dari %(max)s elemen XML; bagi menjadi beberapa berkas.")
                % {"max": f"{MAX_ELEMENTS:,}".replace(",", ".")},
                line=parser.CurrentLineNumber,
            )
        if tag == "question" and attributes.get("type", "").strip() != "category":
            questions += 1
            if questions > MAX_QUESTIONS:
                raise QuestionFileError(
                    _(
                        "berkas berisi lebih dari %(max)s soal; batasnya %(max)s soal per berkas. "
                        "Bagi menjadi beberapa berkas."
                    )
                    % {"max": MAX_QUESTIONS},
                    line=parser.CurrentLineNumber,
                )
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def end(tag):
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_args):
        raise QuestionFileError(
            _("deklarasi DOCTYPE/ENTITY tidak diizinkan dalam berkas Moodle XML."),
            line=parser.CurrentLineNumber,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        reason = _EXPAT_MESSAGES.get(expat.errors.messages[exc.code])
        message = (
            _("XML tidak valid: %(reason)s.") % {"reason": reason}
            if reason
            else _("XML tidak valid (%(detail)s).") % {"detail": expat.errors.messages[exc.code]}
        )
        raise QuestionFileError(message, line=exc.lineno) from exc
    return builder.close(), lines


def element_text(element: ET.Element | None) -> str:
    """The content of an element's <text> child (how Moodle wraps every string)."""
    if element is None:
        return ""
    child = element.find("text")
    return (child.text or "") if child is not None else ""


def own_text(element: ET.Element) -> str:
    return (element.text or "").strip()
