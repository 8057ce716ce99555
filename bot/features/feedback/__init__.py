"""bot/features/feedback."""
