"""The integration's Wagtail admin screens, one module per concern, in the "Integrasi" menu
group."""
