"""bot/features/prompts."""
