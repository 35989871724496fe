"""Writes of programmes, by concern."""
