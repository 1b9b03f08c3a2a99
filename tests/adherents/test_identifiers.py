import pytest
from django.core.exceptions import ValidationError

from adherents.identifiers import is_valid_siren, is_valid_siret, luhn_valid, validate_siret, with_check_digit


@pytest.mark.parametrize("siren, valid", [
    ("732829320", True),    # a real, Luhn-valid SIREN
    ("732829321", False),   # last digit changed
    ("73282932", False),    # 8 digits
    ("73282932A", False),
])
def test_siren_luhn(siren, valid):
    assert is_valid_siren(siren) is valid


@pytest.mark.parametrize("siret, valid", [
    ("73282932000074", True),
    ("73282932000075", False),
    ("7328293200007", False),           # 13 digits
    ("12345678900007", False),          # Luhn-valid as 14 digits, but SIREN 123456789 is not a SIREN
])
def test_siret_luhn(siret, valid):
    assert is_valid_siret(siret) is valid


def test_la_poste_establishments_use_a_digit_sum_divisible_by_five():
    # 356000000 + 00025: digit sum 3+5+6+2+5 = 21 -> not divisible by 5; +00024 -> 20 -> valid.
    assert is_valid_siret("35600000000024")
    assert not is_valid_siret("35600000000025")
    # The same number fails the plain Luhn check: the exception is what makes it valid.
    assert not luhn_valid("35600000000024")


def test_la_poste_head_office_is_valid_by_the_plain_luhn_rule():
    # Digit sum 3+5+6+4+8 = 26 is not divisible by 5, but the number is Luhn-valid.
    assert luhn_valid("35600000000048")
    assert is_valid_siret("35600000000048")
    validate_siret("356 000 000 00048")


def test_a_siret_whose_siren_is_invalid_gets_the_check_digit_message():
    with pytest.raises(ValidationError) as wrong:
        validate_siret("12345678900007")
    assert wrong.value.code == "siret_checksum"
    assert "clé de contrôle" in wrong.value.messages[0]


def test_validate_siret_messages_are_french_and_specific():
    with pytest.raises(ValidationError) as short:
        validate_siret("123")
    assert "14 chiffres" in short.value.messages[0]
    with pytest.raises(ValidationError) as wrong:
        validate_siret("73282932000075")
    assert "clé de contrôle" in wrong.value.messages[0]


def test_with_check_digit_completes_a_valid_number():
    assert is_valid_siren(with_check_digit("73282932"))


@pytest.mark.parametrize("siret", ["73282932000004", "35600001800002"])
def test_the_digit_sum_rule_is_la_postes_alone(siret):
    """Divisible by 5 but failing Luhn: valid only for SIREN 356000000 (these two are another company, and another
    SIREN beginning with 356)."""
    assert sum(map(int, siret)) % 5 == 0 and not luhn_valid(siret)
    assert not is_valid_siret(siret)
