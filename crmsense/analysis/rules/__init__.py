"""Rule engine ``rules.v1``: lexicons with negation, intensity, contrast and evidence."""
