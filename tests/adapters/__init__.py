"""tests/adapters."""
