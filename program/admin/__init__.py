"""The programme's screens in the Wagtail admin, one module per area (see wagtail_hooks)."""
