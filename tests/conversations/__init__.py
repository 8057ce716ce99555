"""tests/conversations."""
