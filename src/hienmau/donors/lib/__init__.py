"""Plain-data rules for donors: identity documents, phone numbers, eligibility."""
