"""The programme's admin screens, by area; program/wagtail_hooks.py registers each."""
