"""Plain-data logic for the unit tree: no Django here, so it is tested with hypothesis alone."""
