"""Thai language stages: normalise, tokenise, recognise agencies and dates, extract the record."""

import os

# pythainlp must never reach for the network at run time: fail fast instead
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
