"""Thin CLI layers of the store: ``db``, ``plan``, ``data``, ``status``, ``units``."""
