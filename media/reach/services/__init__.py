"""Every write to reach figures, by concept: tallies and approvals, derived tallies,
imports. Import from here: ``from media.reach import services``."""

from .derived import (
    DERIVED_METRICS,
    derive_all,
    derive_attendance_tallies,
    derive_contest_tallies,
    derive_tallies,
)
from .imports import (
    apply_rows,
    check_import,
    confirm_import,
    import_progress,
    progress_key,
    run_import,
)
from .tallies import (
    CITY,
    LockedPeriodError,
    ValidationError,
    approve_period,
    change_tally,
    check_tally_editable,
    city,
    delete_tally,
    locking_period,
    overlapping_other_kind,
    record_tally,
)

__all__ = [
    "CITY",
    "DERIVED_METRICS",
    "LockedPeriodError",
    "ValidationError",
    "apply_rows",
    "approve_period",
    "change_tally",
    "check_import",
    "check_tally_editable",
    "city",
    "confirm_import",
    "delete_tally",
    "derive_all",
    "derive_attendance_tallies",
    "derive_contest_tallies",
    "derive_tallies",
    "import_progress",
    "locking_period",
    "overlapping_other_kind",
    "progress_key",
    "record_tally",
    "run_import",
]
