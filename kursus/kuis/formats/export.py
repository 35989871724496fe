"""Writing a question bank back out as GIFT or Moodle XML.

Both exporters write what the parsers read, so that exporting and re-importing a bank gives
the same questions (the same fingerprints): texts are written as `[html]` in GIFT and as
`format="html"` in XML, because the stored texts are already clean HTML and the sanitiser leaves
clean HTML unchanged. GIFT has no place for images (Moodle's GIFT export drops them too); Moodle
XML carries them as base64 `<file>` elements next to the text that shows them.
"""

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote

from .types import TRUE_LABEL, ParsedQuestion

_GIFT_SPECIAL = "~=#{}:"
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "matching": "matching",
}


def export_gift(questions: Iterable[ParsedQuestion]) -> str:
    """The questions as a GIFT file; `// poin: N` comments keep their points."""
    blocks = []
    for question in questions:
        lines = [
            f"// poin: {_number(question.points)}",
            f"::{gift_escape(question.name)}::[html]{gift_escape(question.text)}{{",
            *_gift_answers(question),
        ]
        if question.general_feedback:
            lines.append("####" + gift_escape(question.general_feedback))
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def gift_escape(text: str) -> str:
    """Escape GIFT's control characters (and line breaks, which would end a question)."""
    text = text.replace("\\", "\\\\")
    for char in _GIFT_SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _gift_answers(question: ParsedQuestion) -> list[str]:
    if question.kind == "truefalse":
        right = next(o for o in question.options if o.fraction == 1)
        wrong = next(o for o in question.options if o is not right)
        value = "TRUE" if right.text == TRUE_LABEL else "FALSE"
        if not (right.feedback or wrong.feedback):
            return [value]
        return [f"{value}#{gift_escape(wrong.feedback)}#{gift_escape(right.feedback)}"]
    if question.kind == "matching":
        return [
            f"={gift_escape(pair.prompt)} -> {gift_escape(pair.answer)}" for pair in question.pairs
        ]
    lines = []
    for option in question.options:
        if question.kind == "short" or (question.kind == "single" and option.fraction == 1):
            marker = "="
            weight = "%100%" if option.text.startswith("%") else ""
        else:
            marker = "~"
            show = option.fraction != 0 or option.text.startswith("%")
            weight = f"%{_number(option.fraction * 100)}%" if show else ""
        feedback = f"#{gift_escape(option.feedback)}" if option.feedback else ""
        lines.append(f"{marker}{weight}{gift_escape(option.text)}{feedback}")
    return lines


def export_moodlexml(questions: Iterable[ParsedQuestion]) -> str:
    """The questions as a Moodle XML file, images embedded as base64."""
    quiz = ET.Element("quiz")
    for question in questions:
        element = ET.SubElement(quiz, "question", type=MOODLE_TYPES[question.kind])
        ET.SubElement(ET.SubElement(element, "name"), "text").text = question.name
        images = question.images
        _area(element, "questiontext", question.text, images, also=_unreferenced(question))
        _area(element, "generalfeedback", question.general_feedback, images)
        ET.SubElement(element, "defaultgrade").text = _number(question.points)
        ET.SubElement(element, "penalty").text = "0.3333333"
        ET.SubElement(element, "hidden").text = "0"
        if question.kind in ("single", "multiple"):
            ET.SubElement(element, "single").text = str(question.kind == "single").lower()
            ET.SubElement(element, "shuffleanswers").text = "true"
            ET.SubElement(element, "answernumbering").text = "abc"
        if question.kind == "short":
            ET.SubElement(element, "usecase").text = "0"
        if question.kind == "matching":
            ET.SubElement(element, "shuffleanswers").text = "true"
            for pair in question.pairs:
                sub = _area(element, "subquestion", pair.prompt, images)
                ET.SubElement(ET.SubElement(sub, "answer"), "text").text = pair.answer
        for option in question.options:
            text = option.text
            if question.kind == "truefalse":
                text = "true" if option.text == TRUE_LABEL else "false"
            answer_format = (
                "html" if question.kind in ("single", "multiple") else "moodle_auto_format"
            )
            answer = _area(element, "answer", text, images, text_format=answer_format)
            answer.set("fraction", _number(option.fraction * 100))
            _area(answer, "feedback", option.feedback, images)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _area(
    parent: ET.Element,
    tag: str,
    html: str,
    images: dict[str, bytes],
    *,
    text_format: str = "html",
    also: frozenset[str] = frozenset(),
) -> ET.Element:
    """A Moodle text element carrying the files its HTML refers to (Moodle scopes files to
    the text they belong to), plus the names in `also`."""
    element = ET.SubElement(parent, tag, format=text_format)
    ET.SubElement(element, "text").text = html
    for name, data in images.items():
        if name in also or _refers_to(html, name):
            file = ET.SubElement(element, "file", name=name, path="/", encoding="base64")
            file.text = base64.b64encode(data).decode("ascii")
    return element


def _refers_to(html: str, name: str) -> bool:
    return any(f"@@PLUGINFILE@@/{form}" in html for form in {name, quote(name)})


def _unreferenced(question: ParsedQuestion) -> frozenset[str]:
    """Images no text of the question shows; they travel with the question text, not lost."""
    texts = [question.text, question.general_feedback]
    texts += [text for o in question.options for text in (o.text, o.feedback)]
    texts += [pair.prompt for pair in question.pairs]
    return frozenset(
        name for name in question.images if not any(_refers_to(t, name) for t in texts)
    )


def _number(value: Decimal) -> str:
    normal = Decimal(value).normalize()
    return format(normal, "f") if normal else "0"
