"""Benchmarks run by hand (not collected by pytest): see docs/benchmark.md."""
