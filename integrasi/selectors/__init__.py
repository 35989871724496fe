"""Reads of the integration, by concern."""
