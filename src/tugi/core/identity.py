"""The Estonian personal code (isikukood), validated with python-stdnum."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.ee import ik


def clean_personal_code(value: object, field: str = "personal_code") -> str:
    """The code in its compact form, or a ValidationError naming ``field`` and what is wrong."""
    text = str(value or "").strip().replace(" ", "")
    if not text:
        raise ValidationError({field: ValidationError(_("Personal code is required."), code="required")})
    try:
        return str(ik.validate(text))
    except stdnum_errors.InvalidLength:
        message = _("Personal code must have 11 digits (got %(n)d characters).") % {"n": len(text)}
        code = "invalid_length"
    except stdnum_errors.InvalidFormat:
        message, code = _("Personal code must contain digits only."), "invalid_format"
    except stdnum_errors.InvalidChecksum:
        message, code = _("Personal code has a wrong check digit."), "invalid_checksum"
    except stdnum_errors.InvalidComponent:
        message = _("Personal code has an invalid century digit or date of birth.")
        code = "invalid_date"
    except stdnum_errors.ValidationError:
        message, code = _("Personal code is not valid."), "invalid"
    # The code goes on the inner error: Django drops ``code`` given next to a dict.
    raise ValidationError({field: ValidationError(message, code=code)})


def birth_date(code: str) -> dt.date:
    return ik.get_birth_date(code)


def sex(code: str) -> str:
    """'M' or 'F' from the first digit (odd: male, even: female)."""
    return "M" if int(code[0]) % 2 == 1 else "F"


def make_code(birth: dt.date, sex_letter: str, serial: int) -> str:
    """A valid personal code for a birth date, sex and serial (0–999): for synthetic data."""
    century = (birth.year - 1800) // 100  # 0 for 1800s, 1 for 1900s, 2 for 2000s
    first = 1 + 2 * century + (0 if sex_letter == "M" else 1)
    base = f"{first}{birth:%y%m%d}{serial:03d}"
    return base + ik.calc_check_digit(base + "0")
