# `python -m certificates` runs the CLI on import: keep it out of doctest collection.
collect_ignore = ["certificates/__main__.py"]
