"""The benchmark command (``bench/run.py``); not part of the site."""
