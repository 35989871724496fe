"""Reads of the integration, by concern, each API read limited to a client's unit subtree."""
