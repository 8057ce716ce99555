"""bot/features/admin."""
