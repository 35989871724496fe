"""The programme's pages, by concern."""
