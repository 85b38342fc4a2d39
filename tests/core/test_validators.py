"""Tests for dealercare.core.validators and dealercare.core.masking (pure functions, no DB)."""

import contextlib
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dealercare.core import masking, validators
from dealercare.core.validators import (
    id_number_birthday,
    id_number_check_char,
    make_id_number,
    make_mobile,
    make_plate,
    make_vin,
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    plate_is_new_energy,
    validate_cn_mobile,
    validate_email_address,
    validate_id_number,
    validate_plate,
    validate_vin,
    vin_check_digit,
    vin_model_year_code,
)

FAST = hypothesis_settings(max_examples=200, deadline=None)
seeds = st.integers(min_value=0, max_value=2**32)

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
# Independent oracle for the ISO 3779 transliteration, written out letter by letter.
VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}


def assert_invalid(validator, value, code):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    assert excinfo.value.code == code
    return excinfo.value


# --- Mobile numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812341234",
        "138 1234 1234",
        "138-1234-1234",
        "+86 138 1234 1234",
        "+86-138-1234-1234",
        "0086 13812341234",
        "8613812341234",
        "(+86) 138.1234.1234",
        "１３８１２３４１２３４",  # full-width digits from a Chinese IME
    ],
)
def test_mobile_normalises(raw):
    assert normalize_mobile(raw) == "13812341234"
    assert validate_cn_mobile(raw) == "13812341234"


@pytest.mark.parametrize(
    "raw", ["", "1381234123", "138123412345", "12812341234", "23812341234", "+1 138 1234 1234"]
)
def test_invalid_mobile_refused(raw):
    error = assert_invalid(validate_cn_mobile, raw, "invalid_mobile")
    assert "11 位" in error.messages[0]
    with translation.override("en"):
        assert "11 digits" in error.messages[0]


# Ranges libphonenumber's metadata calls invalid for a mainland mobile: IoT and data-only
# (140–144, 146, 148, 149) and ranges no carrier has issued.
UNISSUED_RANGES = [
    *("140", "141", "142", "143", "144", "146", "148", "149"),
    *("154", "160", "161", "163", "164", "168", "169", "174", "179", "194"),
]
ISSUED_RANGES = [
    *(str(p) for p in range(130, 140)),
    *("145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159"),
    *("162", "165", "166", "167", "170", "171", "172", "173", "175", "176", "177", "178"),
    *(str(p) for p in range(180, 190)),
    *("190", "191", "192", "193", "195", "196", "197", "198", "199"),
]


@pytest.mark.parametrize("prefix", UNISSUED_RANGES)
def test_mobile_in_an_unissued_range_refused(prefix):
    for number in (f"{prefix}12345678", f"{prefix}98765432", f"+86 {prefix} 5555 0000"):
        error = assert_invalid(validate_cn_mobile, number, "invalid_mobile")
        assert "号段" in error.messages[0]
        assert not validators.is_cn_mobile(number)


@pytest.mark.parametrize("prefix", ISSUED_RANGES)
def test_mobile_in_an_issued_range_accepted(prefix):
    for number in (f"{prefix}12345678", f"{prefix}98765432"):
        assert validate_cn_mobile(number) == number
        assert validators.is_cn_mobile(number)


def test_demo_mobiles_cover_only_issued_ranges():
    rng = random.Random(12)
    prefixes = {make_mobile(rng)[:3] for _ in range(3000)}
    assert prefixes <= set(ISSUED_RANGES)
    assert len(prefixes) > 30


def test_country_code_kept_unless_eleven_digits_follow():
    assert normalize_mobile("86123") == "86123"


@FAST
@given(seeds, st.sampled_from(["", "+86", "0086", "86", "+86 ", "0086-"]), st.sampled_from(" -."))
def test_generated_mobiles_validate_with_any_prefix_and_separator(seed, prefix, separator):
    mobile = make_mobile(random.Random(seed))
    formatted = prefix + separator.join([mobile[:3], mobile[3:7], mobile[7:]])
    assert validate_cn_mobile(formatted) == mobile


# --- VINs -------------------------------------------------------------------------------


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "11111111111111111", "1HGCM82633A004352"])
def test_known_valid_vins(vin):
    assert validate_vin(vin) == vin


def test_vin_is_normalised():
    assert validate_vin("  1m8gdm9axkp042788 ") == "1M8GDM9AXKP042788"
    assert normalize_vin("1m8 gdm9a xkp042788") == "1M8GDM9AXKP042788"


def test_wrong_check_digit_message_names_the_expected_char():
    # A commonly quoted "example" VIN which in fact fails its check digit.
    error = assert_invalid(validate_vin, "LSVAU2180N2183294", "invalid_vin_check_digit")
    with translation.override("en"):
        assert "should be X" in error.messages[0]


@pytest.mark.parametrize(
    "vin",
    ["", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "IM8GDM9AXKP042788", "1M8GDM9AXKP0427O8"],
)
def test_malformed_vin_refused(vin):
    assert_invalid(validate_vin, vin, "invalid_vin_format")


def test_vin_check_digit_rejects_malformed_input():
    with pytest.raises(ValueError):
        vin_check_digit("TOO-SHORT")


@pytest.mark.parametrize(("year", "code"), [(2001, "1"), (2009, "9"), (2010, "A"), (2024, "R")])
def test_vin_model_year_code(year, code):
    assert vin_model_year_code(year) == code


@FAST
@given(seeds)
def test_generated_vins_validate(seed):
    vin = make_vin(random.Random(seed))
    assert validate_vin(vin) == vin
    assert vin[0] == "L"
    assert vin_check_digit(vin) == vin[8]


def test_make_vin_encodes_model_year():
    assert make_vin(random.Random(1), model_year=2024)[9] == "R"


@FAST
@given(seeds, st.sampled_from(VIN_CHARS))
def test_changing_the_check_digit_is_always_refused(seed, replacement):
    vin = make_vin(random.Random(seed))
    if replacement != vin[8]:
        mutated = vin[:8] + replacement + vin[9:]
        assert_invalid(validate_vin, mutated, "invalid_vin_check_digit")


@FAST
@given(seeds, st.integers(min_value=0, max_value=16), st.sampled_from(VIN_CHARS))
def test_single_char_change_detected_unless_transliteration_collides(seed, position, replacement):
    vin = make_vin(random.Random(seed))
    mutated = vin[:position] + replacement + vin[position + 1 :]
    if mutated == vin:
        return
    # Weights are non-zero mod 11 except at the check digit itself, so a change goes
    # unnoticed exactly when both characters transliterate to the same value (e.g. A, J, 1).
    undetectable = position != 8 and VIN_VALUES[vin[position]] == VIN_VALUES[replacement]
    if undetectable:
        assert validate_vin(mutated) == mutated
    else:
        assert_invalid(validate_vin, mutated, "invalid_vin_check_digit")


# --- Licence plates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised", "new_energy"),
    [
        ("沪A12345", "沪A12345", False),
        ("沪a·12345", "沪A12345", False),
        ("京B-8X8X8", "京B8X8X8", False),
        ("粤B1234学", "粤B1234学", False),
        ("粤Z1234港", "粤Z1234港", False),
        ("沪A1234挂", "沪A1234挂", False),
        ("沪AD12345", "沪AD12345", True),
        ("沪ADA1234", "沪ADA1234", True),
        ("浙AK12345", "浙AK12345", True),  # 2022 rules widened D/F to A-K
        ("沪A12345D", "沪A12345D", True),
        ("沪 Ａ １２３４５", "沪A12345", False),  # full-width input
    ],
)
def test_valid_plates(raw, normalised, new_energy):
    assert normalize_plate(raw) == normalised
    assert validate_plate(raw) == normalised
    assert plate_is_new_energy(raw) is new_energy


@pytest.mark.parametrize(
    "plate",
    [
        "",
        "沪A1234",  # too short
        "沪A1234567",  # too long
        "沪I12345",  # no I as issuing-authority letter
        "沪O12345",
        "沪A1234O",  # no O in the body
        "台A12345",  # not a mainland province
        "AA12345",
        "沪A12345学",  # suffix plates have a 4-character body
        "沪AI12345",  # no I as new-energy letter
        "沪A12345E",  # large new-energy plates end in D or F
        "沪AF1A234",  # small new-energy plates end in four digits
    ],
)
def test_invalid_plates(plate):
    assert_invalid(validate_plate, plate, "invalid_plate")
    assert plate_is_new_energy(plate) is False


@FAST
@given(seeds, st.booleans(), st.sampled_from("京沪粤川"), st.sampled_from("ABCDEFGHJ"))
def test_generated_plates_validate(seed, new_energy, province, city_letter):
    plate = make_plate(random.Random(seed), province, city_letter, new_energy=new_energy)
    assert plate.startswith(province + city_letter)
    assert validate_plate(plate) == plate
    assert plate_is_new_energy(plate) is new_energy


def test_generator_produces_both_new_energy_forms():
    rng = random.Random(7)
    ends_in_digit = {make_plate(rng, new_energy=True)[-1].isdigit() for _ in range(100)}
    assert ends_in_digit == {True, False}  # small cars end in a digit, large vehicles in D/F


# --- Resident ID numbers ----------------------------------------------------------------


def test_known_valid_id_number_with_lowercase_x():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    assert id_number_birthday("11010519491231002X") == date(1949, 12, 31)
    assert id_number_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "invalid_id_format"),
        ("11010519491231002", "invalid_id_format"),
        ("91010519491231002X", "invalid_id_format"),  # region codes start with 1-8
        ("1101051949123100XX", "invalid_id_format"),
        ("110105194902300028", "invalid_id_birthdate"),  # 30 February
        ("110105189912310028", "invalid_id_birthdate"),  # before 1900
        ("110105194912310021", "invalid_id_check_digit"),
    ],
)
def test_invalid_id_numbers(number, code):
    assert_invalid(validate_id_number, number, code)


def test_id_number_in_the_future_refused():
    rng = random.Random(3)
    number = make_id_number(rng, timezone.localdate() + timedelta(days=1), male=True)
    assert_invalid(validate_id_number, number, "invalid_id_birthdate")


birthdays = st.dates(min_value=date(1900, 1, 1), max_value=timezone.localdate())


@FAST
@given(seeds, birthdays, st.booleans())
@example(0, date(2000, 2, 29), False)
def test_generated_id_numbers_validate_and_round_trip(seed, birthday, male):
    number = make_id_number(random.Random(seed), birthday, male)
    assert validate_id_number(number) == number
    assert id_number_birthday(number) == birthday
    assert int(number[16]) % 2 == (1 if male else 0)


@FAST
@given(seeds, birthdays, st.booleans(), st.sampled_from("0123456789X"))
def test_wrong_id_check_char_refused(seed, birthday, male, replacement):
    number = make_id_number(random.Random(seed), birthday, male)
    if replacement != number[17]:
        assert_invalid(validate_id_number, number[:17] + replacement, "invalid_id_check_digit")


# --- Email and dates --------------------------------------------------------------------


def test_email_is_stripped_and_domain_lowercased():
    assert validate_email_address("  ZhangSan@QQ.COM ") == "ZhangSan@qq.com"


@pytest.mark.parametrize("email", ["", "zhangsan", "zhangsan@", "@qq.com", "zhang san@qq.com"])
def test_invalid_email_refused(email):
    assert_invalid(validate_email_address, email, "invalid_email")


# --- Robustness -------------------------------------------------------------------------

VALIDATORS = [
    validate_cn_mobile,
    validate_vin,
    validate_plate,
    validate_id_number,
    validate_email_address,
    id_number_birthday,
]
TOTAL_FUNCTIONS = [
    normalize_mobile,
    normalize_vin,
    normalize_plate,
    validators.normalize_id_number,
    plate_is_new_energy,
    masking.mask_phone,
    masking.mask_email,
    masking.mask_id_number,
    masking.mask_address,
    masking.mask_name,
]


@FAST
@given(st.text())
def test_validators_only_raise_validation_error(text):
    for validator in VALIDATORS:
        with contextlib.suppress(ValidationError):
            validator(text)


@FAST
@given(st.text())
def test_normalisers_and_masks_never_raise(text):
    for function in TOTAL_FUNCTIONS:
        function(text)


# --- Masking ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (masking.mask_phone, "13812341234", "138****1234"),
        (masking.mask_phone, "12345678", "123*5678"),
        (masking.mask_phone, "1234567", "*******"),
        (masking.mask_email, "zhangsan@qq.com", "z***@qq.com"),
        (masking.mask_email, "no-at-sign", "n*********"),
        (masking.mask_id_number, "110105199001011234", "110105********1234"),
        (masking.mask_id_number, "1101051234", "**********"),
        (masking.mask_address, "上海市浦东新区张江路88号", "上海市浦东新****"),
        (masking.mask_address, "上海", "上海****"),
        (masking.mask_name, "张三丰", "张**"),
        (masking.mask_name, "张三", "张*"),
        (masking.mask_name, "Alice", "A****"),
    ],
)
def test_masks(function, value, masked):
    assert function(value) == masked


@pytest.mark.parametrize(
    "function",
    [
        masking.mask_phone,
        masking.mask_email,
        masking.mask_id_number,
        masking.mask_address,
        masking.mask_name,
    ],
)
@pytest.mark.parametrize("empty", ["", None, "   "])
def test_masks_of_empty_input_are_empty(function, empty):
    assert function(empty) == ""


@FAST
@given(seeds)
def test_masked_values_hide_the_middle(seed):
    rng = random.Random(seed)
    mobile = make_mobile(rng)
    number = make_id_number(rng, date(1990, 1, 1), male=rng.random() < 0.5)
    assert masking.mask_phone(mobile) == f"{mobile[:3]}****{mobile[-4:]}"
    assert masking.mask_id_number(number) == f"{number[:6]}{'*' * 8}{number[-4:]}"
