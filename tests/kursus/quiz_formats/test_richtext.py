import pytest

from kursus.quiz_formats.richtext import default_name, sanitize_html, to_html


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
