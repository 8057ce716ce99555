"""tests/adapters/slack."""
