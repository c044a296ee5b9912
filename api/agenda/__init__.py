"""The agenda that follows a dialogue, and the municipality's report back to residents."""
