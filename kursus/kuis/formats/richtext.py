"""Turning the text of a question file into safe HTML fragments.

Question banks come from outside (a colleague's Moodle, a file found on a shared drive), and
their HTML ends up in pages every learner opens. So HTML is rebuilt from an allow-list of tags
and attributes instead of being trusted: scripts and their content go, event handlers and
`javascript:` links go, anything unknown is reduced to its text. A link stays only when it is
absolute (http://, https://, mailto:) or points within the page, and not into this site's
uploads, so that question text cannot send a learner to a file uploaded to this site
(`@@PLUGINFILE@@/poc.html`, `/media/...`, `https://<this site>/media/...`). The same rule
(`link_allowed`) holds for question text written in the admin (`refused_links`). The output is
canonical, so cleaning it again changes nothing; that is what lets an exported file re-import to
the same fingerprints.
"""

import posixpath
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
        *("dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img", "ins"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "kbd", "li", "mark", "ol", "p", "pre", "q", "s"),
        *("small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot"),
        *("th", "thead", "tr", "u", "ul"),
    }
)
VOID_TAGS = frozenset({"br", "col", "hr", "img", "wbr"})
# `<li>a<li>b` means two items, as browsers read it, not one nested in the other.
SELF_CLOSING_SIBLINGS = frozenset({"li", "p", "dt", "dd", "tr", "td", "th"})
# Dropped together with everything inside them: their content is code, not text.
# (Void elements such as <embed> or <meta> have no content and are simply not allowed.)
DROPPED_WITH_CONTENT = frozenset(
    {
        *("applet", "frameset", "head", "iframe", "math", "noscript", "object", "script"),
        *("select", "style", "svg", "template", "textarea", "title"),
    }
)
GLOBAL_ATTRIBUTES = frozenset({"title", "lang", "dir"})
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "ol": frozenset({"start", "type"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
URL_ATTRIBUTES = frozenset({"href", "src"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")

TEXT_FORMATS = ("html", "moodle", "plain", "markdown")


def escape_text(text: str) -> str:
    """Escape text for HTML content (quotes stay readable, as the sanitiser writes them)."""
    return escape(text, quote=False)


def sanitize_html(html: str) -> str:
    """Rebuild `html` from allowed tags and attributes; the result is stable under re-cleaning."""
    cleaner = _Cleaner()
    cleaner.feed(html)
    cleaner.close()
    return cleaner.result().strip()


def plain_to_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return "<br>\n".join(escape_text(line) for line in text.strip().split("\n"))


def to_html(text: str, text_format: str) -> str:
    """Convert `text` written in one of Moodle's text formats into a safe HTML fragment."""
    text = text.strip()
    if text_format == "plain":
        return plain_to_html(text)
    if text_format == "markdown":
        return sanitize_html(markdown_to_html(text))
    if text_format == "moodle":
        # Moodle's auto-format: HTML allowed, and a line break in the source is a line break.
        return sanitize_html(text.replace("\n", "<br>\n"))
    return sanitize_html(text)


def html_to_plain(html: str) -> str:
    """The visible text of an HTML fragment on one line (for names and messages)."""
    without_dropped = re.sub(
        r"<(script|style)\b.*?</\1\s*>", " ", html, flags=re.IGNORECASE | re.DOTALL
    )
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", without_dropped)).split())


def default_name(html: str, limit: int = 60) -> str:
    """A short title from the question text: its first `limit` characters, cut at a word."""
    plain = html_to_plain(html)
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0] or plain[:limit]
    return cut.rstrip(" ,.;:") + "…"


def link_allowed(href: str) -> bool:
    """Whether question text may link to `href`: an absolute http(s) address outside this site's
    uploads, a mailto: address, or a place within the page (#...). A relative link, however it
    is written, could open a file uploaded to this site from the site's own origin."""
    compact = _URL_NOISE.sub("", href)
    if compact.startswith("#"):
        return True
    match = _SCHEME.match(compact)
    if not match:
        return False
    scheme = match.group(1).lower()
    if scheme == "mailto":
        return True
    if scheme in ("http", "https") and compact.lower().startswith(f"{scheme}://"):
        return not _into_uploads(compact)
    return False


def refused_links(html: str) -> list[str]:
    """Every `href` in `html` that `link_allowed` refuses, in order, each once. Links that the
    rich text editor stores by reference (`<a linktype="page" id="3">`) carry no `href`: Wagtail
    writes their address when the page is shown, so they are not links into the uploads."""
    finder = _LinkFinder()
    finder.feed(html or "")
    finder.close()
    return list(dict.fromkeys(href for href in finder.hrefs if not link_allowed(href)))


def _into_uploads(url: str) -> bool:
    """Whether an absolute http(s) URL names a path under MEDIA_URL on a host of this site, as
    the proxy reads it (percent-escapes decoded, dot segments and repeated slashes resolved)."""
    try:
        parts = urlsplit(url.replace("\\", "/"))  # as browsers read http(s) URLs
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return True  # not a URL a browser would follow either; refuse rather than guess
    media = urlsplit(settings.MEDIA_URL)
    if not (host == (media.hostname or "") or _site_host(host)):
        return False
    path = posixpath.normpath(re.sub(r"[/\\]+", "/", "/" + unquote(parts.path))).lower()
    prefix = "/" + media.path.strip("/").lower()
    return prefix == "/" or path == prefix or path.startswith(prefix + "/")


def _site_host(host: str) -> bool:
    """Whether the site answers to `host` (ALLOWED_HOSTS, as Django matches it, or the admin's
    base URL); a site that answers to any host ("*") counts every host as its own."""
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").hostname
    for pattern in [*settings.ALLOWED_HOSTS, *([base] if base else [])]:
        pattern = pattern.lower()
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith(".") and (host == pattern[1:] or host.endswith(pattern)):
            return True
    return False


def _safe_url(url: str, *, tag: str) -> bool:
    if tag == "a":
        return link_allowed(url)
    compact = _URL_NOISE.sub("", url)
    match = _SCHEME.match(compact)
    if not match:
        return True  # an image's @@PLUGINFILE@@/... reference, or its URL once imported
    scheme = match.group(1).lower()
    if scheme in SAFE_SCHEMES:
        return True
    return tag == "img" and bool(_SAFE_DATA_IMAGE.match(compact))


class _LinkFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs.extend(value or "" for name, value in attrs if name == "href")

    handle_startendtag = handle_starttag


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag == self.dropping[-1] or tag in DROPPED_WITH_CONTENT:
                self.dropping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.dropping.append(tag)
            return
        if tag not in ALLOWED_TAGS:
            return
        if tag in SELF_CLOSING_SIBLINGS and self.open and self.open[-1] == tag:
            self.out.append(f"</{self.open.pop()}>")
        self.out.append(self._start(tag, attrs))
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if self.dropping or tag in DROPPED_WITH_CONTENT or tag not in ALLOWED_TAGS:
            return
        self.out.append(self._start(tag, attrs))
        if tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag):
        if self.dropping:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
            return
        if tag not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(escape_text(data))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))

    @staticmethod
    def _start(tag: str, attrs) -> str:
        allowed = GLOBAL_ATTRIBUTES | ALLOWED_ATTRIBUTES.get(tag, frozenset())
        parts = [tag]
        seen = set()
        for name, value in attrs:
            if name not in allowed or name in seen:
                continue
            value = value or ""
            if name in URL_ATTRIBUTES and not _safe_url(value, tag=tag):
                continue
            seen.add(name)
            parts.append(f'{name}="{escape(value, quote=True)}"')
        return "<" + " ".join(parts) + ">"


# A small Markdown subset: GIFT's [markdown] is rare, and a full Markdown library is not worth
# a dependency for it. Paragraphs, headings, lists, emphasis, code and links are enough.
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_MD_EM = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_MD_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_MD_NUMBER = re.compile(r"^\d+[.)]\s+(.*)$")


def markdown_to_html(text: str) -> str:
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n".join(_markdown_block(block.strip("\n")) for block in blocks if block.strip())


def _markdown_block(block: str) -> str:
    lines = block.split("\n")
    heading = _MD_HEADING.match(lines[0])
    if heading and len(lines) == 1:
        level = len(heading.group(1))
        return f"<h{level}>{_markdown_inline(heading.group(2))}</h{level}>"
    for pattern, tag in ((_MD_BULLET, "ul"), (_MD_NUMBER, "ol")):
        items = [pattern.match(line.strip()) for line in lines]
        if all(items):
            inner = "".join(f"<li>{_markdown_inline(item.group(1))}</li>" for item in items)
            return f"<{tag}>{inner}</{tag}>"
    return "<p>" + "<br>\n".join(_markdown_inline(line.strip()) for line in lines) + "</p>"


def _markdown_inline(text: str) -> str:
    codes: list[str] = []

    def keep_code(match):
        codes.append(f"<code>{escape_text(match.group(1))}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = escape_text(_MD_CODE.sub(keep_code, text.replace("\x00", "")))
    text = _MD_LINK.sub(
        lambda m: '<a href="{}">{}</a>'.format(m.group(2).replace('"', "&quot;"), m.group(1)),
        text,
    )
    text = _MD_STRONG.sub(r"<strong>\2</strong>", text)
    text = _MD_EM.sub(r"<em>\2</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)
