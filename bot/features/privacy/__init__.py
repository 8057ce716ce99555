"""bot/features/privacy."""
