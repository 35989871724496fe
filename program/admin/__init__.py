"""The programme's Wagtail admin screens, one module per area."""
