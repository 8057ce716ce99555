"""bot/features/portfolio."""
