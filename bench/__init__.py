"""Benchmarks of agent-ls against its peers (`python bench/run.py`); importable for the corpus."""
