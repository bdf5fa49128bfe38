"""Deterministic invalidation: the pure resolver, branch snapshots, preview and apply."""
