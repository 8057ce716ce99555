"""bot/features/away."""
