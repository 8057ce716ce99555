"""bot/features/general."""
