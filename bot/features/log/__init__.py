"""bot/features/log."""
