"""bot/features/home."""
