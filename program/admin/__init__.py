"""The programme's screens in the Wagtail admin, by area (registered from wagtail_hooks.py)."""
