"""French company identifiers: SIREN (9 digits) and SIRET (14 digits), checked with Luhn."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share this SIREN; their SIRETs are valid by a digit sum divisible by 5,
# or by the plain Luhn rule (the head office, 35600000000048).
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside identifiers."""
    return "".join(char for char in str(value) if char not in " .-\u00a0\u202f")


def all_digits(value: str) -> bool:
    """0 to 9 only: str.isdigit() also accepts '²' or Arabic-Indic digits."""
    return value.isascii() and value.isdigit()


def is_valid_siren(value: str) -> bool:
    return len(value) == 9 and all_digits(value) and value != "000000000" and luhn_valid(value)


def is_valid_siret(value: str) -> bool:
    """14 digits starting with a valid SIREN, the whole number passing Luhn (or La Poste's digit-sum rule)."""
    if len(value) != 14 or not all_digits(value) or not is_valid_siren(value[:9]):
        return False
    return luhn_valid(value) or (value.startswith(LA_POSTE_SIREN) and sum(int(char) for char in value) % 5 == 0)


def validate_siret(value: str) -> None:
    value = normalise(value)
    if len(value) != 14 or not all_digits(value):
        raise ValidationError(_("A SIRET has exactly 14 digits."), code="siret_length")
    if not is_valid_siret(value):
        raise ValidationError(_("This SIRET is not valid (its check digit is wrong)."), code="siret_checksum")


def with_check_digit(prefix: str) -> str:
    """Complete a digit string with the Luhn check digit (used to make demo identifiers)."""
    for digit in "0123456789":
        if luhn_valid(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable: one digit always completes a Luhn number")
