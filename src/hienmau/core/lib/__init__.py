"""Plain helpers with no Django dependency."""
