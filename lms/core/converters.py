"""Path converters of the site."""


class IdConverter:
    """A database id in a URL: digits, at most 18 of them, so that it always fits a 64-bit
    integer column. A longer number matches no URL and answers 404, where Django's `int`
    converter passes it on and the query raises (OverflowError on SQLite, bigint out of range
    on PostgreSQL): a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
