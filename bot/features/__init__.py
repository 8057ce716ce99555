"""bot/features."""
