"""`python -m juspay_customers`: the `juspay-customers` command."""

import sys

from ._cli import main

sys.exit(main())
