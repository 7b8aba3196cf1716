"""Test helpers shared by the test packages: the fast fake embedder and the test-only CLI entry."""
