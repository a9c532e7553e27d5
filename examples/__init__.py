"""The bundled example specs (JSON files in ``conv/``, ``structured/``, ``feedforward/``).

No code lives here: this file makes the folder a regular package, installed as the data package
``tensorlift_examples`` (``setup.py`` maps it), so that :func:`graphs.bundled.examples_dir`
finds it with :mod:`importlib.resources` in a wheel and in an editable install alike.
"""
