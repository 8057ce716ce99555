"""bot/features/follow_up."""
