"""Every write to reach figures, by concept: tallies and approvals, derived tallies,
imports, materials and their folded scans.

Import from here: ``from media.reach import services``."""

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
    check_job,
    confirm_import,
    import_progress,
    progress_key,
    run_import,
)
from .materials import new_code, save_material
from .scans import fold_scans, scans_channel, scans_metric, write_scan_tallies
from .tallies import (
    LockedPeriodError,
    ValidationError,
    approval_preview,
    approve_period,
    canonical_campaign,
    change_tally,
    check_approvable,
    city,
    covered_by,
    delete_tally,
    locking_period,
    pending_corrections,
    record_tally,
    revoke_approval,
    tallies_cut_by,
)
from .write import TallyRow, WriteError, write_lock, write_tallies

__all__ = [
    "TallyRow",
    "WriteError",
    "write_lock",
    "write_tallies",
    "DERIVED_METRICS",
    "LockedPeriodError",
    "ValidationError",
    "apply_rows",
    "approval_preview",
    "approve_period",
    "canonical_campaign",
    "change_tally",
    "check_approvable",
    "check_import",
    "check_job",
    "city",
    "confirm_import",
    "covered_by",
    "delete_tally",
    "derive_all",
    "derive_attendance_tallies",
    "derive_contest_tallies",
    "derive_tallies",
    "fold_scans",
    "import_progress",
    "locking_period",
    "new_code",
    "pending_corrections",
    "progress_key",
    "record_tally",
    "revoke_approval",
    "save_material",
    "scans_channel",
    "scans_metric",
    "run_import",
    "tallies_cut_by",
    "write_scan_tallies",
]
