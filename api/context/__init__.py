"""Brede welvaart in context: the municipality's CBS photo and who took part."""
