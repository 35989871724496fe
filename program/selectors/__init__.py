"""Reads of programmes, by concern."""
