"""``python -m certificates`` is the ``tensorlift`` command."""
import sys

from .cli import main

sys.exit(main())
