"""Extra Mile: the platform-neutral core (domain, flows, engine, settings, CLI)."""

__version__ = "0.1.0"
