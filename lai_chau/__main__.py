"""`python -m lai_chau` runs the command line."""

import sys

from lai_chau.cli import main

sys.exit(main())
