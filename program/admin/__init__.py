"""The programme's screens in the Wagtail admin, by concern."""
