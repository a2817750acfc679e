"""The production WSGI app with the places guard turned off: the benchmark's control run.

The booking benchmark serves this to one storm to prove it can see an overbooking:
places are checked against a count read earlier and written back (no conditional
statement, no session lock), with a 10 ms pause between the check and the write, as
the concurrency tests do. Never deployed.
"""

import time

from config.wsgi import application
from events.services import places

places.GUARD_PLACES = False
places.after_availability_check = lambda: time.sleep(0.01)

__all__ = ["application"]
