"""Lesson content blocks. Every block has its template, an icon and a preview value."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Subjudul")
        template = "kursus/blocks/heading_block.html"
        preview_value = "Fungsi IKP sebagai deteksi dini"
        form_classname = "title"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraf")
        template = "kursus/blocks/paragraph_block.html"
        preview_value = (
            "<p>Indeks Kerawanan Pemilu memetakan potensi gangguan terhadap pemilu yang "
            "demokratis di setiap provinsi dan kabupaten/kota.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Gambar"))
    alt_text = blocks.CharBlock(
        label=_("Teks alternatif"),
        required=False,
        help_text=_("Untuk pembaca layar; kosongkan bila gambar hanya hiasan."),
    )
    caption = blocks.CharBlock(label=_("Keterangan"), required=False)

    class Meta:
        icon = "image"
        label = _("Gambar dengan keterangan")
        template = "kursus/blocks/captioned_image_block.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Tautan video"), help_text=_("Misalnya tautan YouTube."))
    fallback_text = blocks.RichTextBlock(
        features=RICH_FEATURES,
        label=_("Teks pengganti"),
        help_text=_("Ringkasan isi video bagi yang tidak dapat memutarnya (koneksi lambat)."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "kursus/blocks/video_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Dokumen"))
    title = blocks.CharBlock(label=_("Judul tautan"), required=False)
    description = blocks.CharBlock(label=_("Keterangan"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Unduh dokumen")
        template = "kursus/blocks/document_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Jenis"),
        choices=[("tip", _("Tips")), ("warning", _("Perhatian")), ("important", _("Penting"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("Judul"), required=False)
    text = blocks.RichTextBlock(features=RICH_FEATURES, label=_("Isi"))

    class Meta:
        icon = "help"
        label = _("Kotak info")
        template = "kursus/blocks/callout_block.html"
        preview_value = {
            "kind": "important",
            "title": "Ingat",
            "text": "<p>Gabungkan data berdasarkan kode wilayah, bukan nama.</p>",
        }


class AccordionItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Pertanyaan"))
    answer = blocks.RichTextBlock(features=RICH_FEATURES, label=_("Jawaban"))


class AccordionBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(AccordionItemBlock(), **kwargs)

    class Meta:
        icon = "list-ul"
        label = _("Tanya jawab (akordeon)")
        template = "kursus/blocks/accordion_block.html"
        preview_value = [
            {"question": "Apa itu IKP?", "answer": "<p>Alat deteksi dini kerawanan pemilu.</p>"}
        ]


class LessonTableBlock(TableBlock):
    class Meta:
        icon = "table"
        label = _("Tabel")
        template = "kursus/blocks/table_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Kutipan"))
    source = blocks.CharBlock(label=_("Sumber"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Kutipan")
        template = "kursus/blocks/quote_block.html"
        preview_value = {
            "text": "Bawaslu mengidentifikasi dan memetakan potensi pelanggaran pemilu.",
            "source": "UU 7/2017 Pasal 94 (parafrase)",
        }


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Judul"), default=_("Poin penting"))
    points = blocks.ListBlock(blocks.CharBlock(label=_("Poin")), label=_("Poin"))

    class Meta:
        icon = "tick"
        label = _("Poin penting")
        template = "kursus/blocks/key_points_block.html"
        preview_value = {"title": "Ringkasan", "points": ["4 dimensi", "12 subdimensi"]}


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    accordion = AccordionBlock()
    table = LessonTableBlock()
    quote = QuoteBlock()
    key_points = KeyPointsBlock()
