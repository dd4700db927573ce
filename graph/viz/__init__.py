"""The interactive graph page."""
