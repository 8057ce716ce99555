"""The `extramile` commands, one module per group; app/cli.py registers them."""
