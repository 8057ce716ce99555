"""tests/storage."""
