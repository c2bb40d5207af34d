"""Neural Playground training engine: pure NumPy."""
