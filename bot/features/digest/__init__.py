"""bot/features/digest."""
