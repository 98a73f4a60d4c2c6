"""`make bench`: the client, the mock server and start-up, each measured against a baseline.

Every number that carries a target is a ratio against a baseline measured in the same run,
side by side, so a slow or noisy machine moves both sides alike. `python -m benchmarks`
runs everything, prints the table and writes `benchmarks/results.md`.
"""
