"""Residents' open ideas ("wat mist er?"): masked, moderated, grouped by theme."""
