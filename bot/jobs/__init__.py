"""Scheduled jobs: each is a plain async function of (dependencies, time) that calls the
same flow functions chat commands call."""
