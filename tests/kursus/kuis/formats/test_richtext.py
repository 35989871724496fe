import pytest

from kursus.kuis.formats.richtext import default_name, sanitize_html, to_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Soal <script>alert(1)</script>IKP</p>", "<p>Soal IKP</p>"),
        ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href=" JaVa&#x73;cript&colon;alert(1)">x</a>', "<a>x</a>"),
        ('<a href="java\tscript:alert(1)">x</a>', "<a>x</a>"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        (
            '<img src="data:image/png;base64,iVBORw0KGgo=">',
            '<img src="data:image/png;base64,iVBORw0KGgo=">',
        ),
        (
            '<a href="https://bawaslu.go.id/?a=1&b=2">x</a>',
            '<a href="https://bawaslu.go.id/?a=1&amp;b=2">x</a>',
        ),
        ('<img src="@@PLUGINFILE@@/peta%20ikp.png">', '<img src="@@PLUGINFILE@@/peta%20ikp.png">'),
        ("<style>p{}</style><iframe src=x>isi</iframe>teks", "teks"),
        ("<svg><g><script>x</script></g></svg>sesudah", "sesudah"),
        ('<p style="color:red" class="x" data-x="1">a</p>', "<p>a</p>"),
        ("<form><input value=x><button>Kirim</button></form>", "Kirim"),
        ("<b>tebal<i>miring</b>", "<b>tebal<i>miring</i></b>"),
        ("<ul><li>satu<li>dua</ul>", "<ul><li>satu</li><li>dua</li></ul>"),
        ("</p>sisa<br/>baris", "sisa<br>baris"),
        ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        ("<!-- komentar --><p>x</p>", "<p>x</p>"),
        ('<meta http-equiv="refresh"><embed src="x.swf">isi', "isi"),
        ('<td colspan="2" onclick="x">a</td>', '<td colspan="2">a</td>'),
    ],
)
def test_sanitizer_keeps_safe_html_only(dirty, clean):
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    "html",
    [
        '<p>Skor <b>72</b> &amp; "rawan" <a href="https://x.id/?a=1&b=2">x</a></p>',
        "a < b > c & d",
        "<b>tebal<i>miring</b>",
        '<img alt="a &quot;b&quot; <c>">',
    ],
)
def test_cleaning_twice_changes_nothing(html):
    once = sanitize_html(html)
    assert sanitize_html(once) == once


def test_text_formats():
    assert to_html("a <b>b</b>\nc", "plain") == "a &lt;b&gt;b&lt;/b&gt;<br>\nc"
    assert to_html("a <b>b</b>\nc", "moodle") == "a <b>b</b><br>\nc"
    assert to_html("a <b>b</b>\nc", "html") == "a <b>b</b>\nc"
    assert to_html(
        "# Judul\n\n- satu\n- **dua**\n\n[tautan](https://bawaslu.go.id)", "markdown"
    ) == (
        "<h1>Judul</h1>\n<ul><li>satu</li><li><strong>dua</strong></li></ul>\n"
        '<p><a href="https://bawaslu.go.id">tautan</a></p>'
    )
    assert (
        to_html("[x](javascript:alert%281%29) <script>", "markdown")
        == "<p><a>x</a> &lt;script&gt;</p>"
    )


def test_default_name_is_short_plain_text():
    html = (
        "<p>Dalam IKP 2024, provinsi dengan skor 72 termasuk kategori rawan apa "
        "menurut ambang batas?</p>"
    )

    name = default_name(html)

    assert name == "Dalam IKP 2024, provinsi dengan skor 72 termasuk kategori…"
    assert len(name) <= 61


@pytest.mark.parametrize(
    "href",
    [
        "@@PLUGINFILE@@/poc.html",
        "/media/original_images/poc.html",
        "media/original_images/poc.html",
        "../../media/documents/poc.svg",
        "//evil.example/poc.html",
        "https:/media/original_images/poc.html",
        " /media/poc.html",
        "?next=/media/poc.html",
    ],
)
def test_relative_links_are_dropped_so_no_question_links_an_uploaded_file(href):
    assert sanitize_html(f'<p><a href="{href}" title="t">unduh</a></p>') == (
        '<p><a title="t">unduh</a></p>'
    )


@pytest.mark.parametrize(
    "href",
    ["https://bawaslu.go.id/ikp", "http://jdih.bawaslu.go.id/", "mailto:humas@bawaslu.go.id", "#a"],
)
def test_absolute_and_in_page_links_stay(href):
    assert sanitize_html(f'<a href="{href}">x</a>') == f'<a href="{href}">x</a>'


def test_markdown_links_follow_the_same_rule():
    assert to_html("[a](/media/poc.html) [b](https://bawaslu.go.id)", "markdown") == (
        '<p><a>a</a> <a href="https://bawaslu.go.id">b</a></p>'
    )


def test_images_keep_their_embedded_file_reference():
    html = '<img src="@@PLUGINFILE@@/peta.png" alt="peta">'

    assert sanitize_html(html) == html
