"""bot/features/approvals."""
