"""`python -m server`: the same as the `playground` command."""

from .cli import main

raise SystemExit(main())
