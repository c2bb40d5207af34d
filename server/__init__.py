"""Neural Playground web server."""
