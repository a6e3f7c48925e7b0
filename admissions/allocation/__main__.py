"""``python -m admissions.allocation`` — see :mod:`admissions.allocation.cli`."""

from admissions.allocation.cli import main

raise SystemExit(main())
