"""Reads of the API, each limited to a client's unit subtree."""
