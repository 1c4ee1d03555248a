"""Foundations every stage uses: project paths, errors, atomic writes, the cache, UTF-8 decoding."""
