"""bot/reports."""
