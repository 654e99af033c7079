"""Views of the campaign app, one module per area; ``urls.py`` collects their patterns."""
