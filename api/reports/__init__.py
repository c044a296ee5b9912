"""The participation report (participatieverslag) of a dialogue, as HTML or PDF."""
