"""Providers (model developers, hosting platforms, clouds) and concentration across the book."""
