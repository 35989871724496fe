"""The programme's screens in the Wagtail admin, registered area by area."""
