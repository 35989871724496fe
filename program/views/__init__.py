"""The programme's public pages, by area."""
