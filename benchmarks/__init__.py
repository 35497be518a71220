"""Benchmarks: ``python -m benchmarks [name …]`` runs them and prints the figures."""
