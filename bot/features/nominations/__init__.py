"""bot/features/nominations."""
