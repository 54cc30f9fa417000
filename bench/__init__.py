"""Benchmarks, run by hand: `python -m bench <name> [options]` (see bench/README.md)."""
