"""Gamification factories; each feature adds its own below."""
