"""tests/adapters/teams."""
