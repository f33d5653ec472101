"""Moved to `hienmau.core.lib.identity`, the one place CCCD and mobile numbers are normalised and checked.

Kept as a re-export so forms and models written against the old path keep working; new code imports
`hienmau.core.lib.identity`.
"""

from hienmau.core.lib.identity import (  # noqa: F401
    SEX_LABELS,
    CccdProblem,
    PhoneError,
    check_cccd,
    mask_cccd,
    mask_phone,
    normalise_cccd,
    normalise_phone,
    sex_century_digit,
)
