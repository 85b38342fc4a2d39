"""Validators, normalisers and demo-data generators for Chinese dealer data.

Every ``validate_*`` function normalises its input, raises
:class:`~django.core.exceptions.ValidationError` with a stable ``code`` when the value is
invalid, and otherwise returns the normalised value. That makes them usable both from
form ``clean_*`` methods and as model field validators (which ignore the return value).

Normalisation folds full-width characters (typed by Chinese input methods, e.g.
"１３８" or "沪Ａ") to their ASCII forms before anything else.

The ``make_*`` generators take a :class:`random.Random` so that seeded runs of the demo
and benchmark data are reproducible.
"""

import random
import re
import string
import unicodedata
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_DIGITS = string.digits
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_WHITESPACE_RE = re.compile(r"\s+")


def _fold(value: str) -> str:
    """Fold full-width letters, digits and punctuation to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def _compact_upper(value: str) -> str:
    """Fold, drop all whitespace and uppercase ASCII letters (other letters are kept)."""
    return _WHITESPACE_RE.sub("", _fold(value)).translate(_ASCII_UPPER)


# --- Mobile numbers ---------------------------------------------------------------------

_MOBILE_SEPARATORS_RE = re.compile(r"[\s\-.()\[\]]")
_MOBILE_COUNTRY_CODE_RE = re.compile(r"(?:\+86|0086|86)([0-9]{11})")
_CN_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# Ranges carriers issue to people (libphonenumber agrees; a test checks each): the demo data
# stays on them.
_MOBILE_PREFIXES = (
    *range(130, 140),
    *range(150, 154),
    *range(155, 160),
    166,
    *range(170, 174),
    *range(175, 179),  # not 174: satellite and special-purpose numbers
    *range(180, 190),
    198,
    199,
)


def normalize_mobile(value: str) -> str:
    """Strip separators and a +86 / 0086 / 86 country code; does not validate."""
    compact = _MOBILE_SEPARATORS_RE.sub("", _fold(value))
    match = _MOBILE_COUNTRY_CODE_RE.fullmatch(compact)
    return match.group(1) if match else compact


def _is_issued_mobile(mobile: str) -> bool:
    """Whether a carrier issues this 11-digit number as a mobile, per Google's
    libphonenumber metadata (IoT, data-only and unassigned ranges are not)."""
    number = phonenumbers.parse(mobile, "CN")
    return (
        phonenumbers.is_valid_number_for_region(number, "CN")
        and phonenumbers.number_type(number) in _MOBILE_TYPES
    )


def is_cn_mobile(value: str) -> bool:
    mobile = normalize_mobile(value)
    return bool(_CN_MOBILE_RE.fullmatch(mobile)) and _is_issued_mobile(mobile)


def validate_cn_mobile(value: str) -> str:
    mobile = normalize_mobile(value)
    if not _CN_MOBILE_RE.fullmatch(mobile):
        raise ValidationError(
            _("Enter a valid mainland mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
        )
    if not _is_issued_mobile(mobile):
        raise ValidationError(
            _("No mainland carrier issues this number as a mobile; please check it."),
            code="invalid_mobile",
        )
    return mobile


def make_mobile(rng: random.Random) -> str:
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


# --- VINs (ISO 3779 / GB 16735) ----------------------------------------------------------

_VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q
_VIN_CHARS = _DIGITS + _VIN_LETTERS
_VIN_RE = re.compile(rf"[{_VIN_CHARS}]{{17}}")
# Transliteration: digits keep their value; A-H are 1-8, J-N 1-5, P 7, R 9 and S-Z 2-9.
_VIN_VALUES = {
    char: int(value)
    for char, value in zip(
        _VIN_CHARS, "0123456789" + "12345678" + "12345" + "7" + "9" + "23456789", strict=True
    )
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHECK_INDEX = 8
_VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 30-year cycle starting 1980
_CHINESE_WMIS = ("LSV", "LFV", "LBV", "LGW", "LVS", "LVH", "LHG", "LVG", "LGB", "LDC")
_DEMO_MODEL_YEARS = range(2012, 2026)


def normalize_vin(value: str) -> str:
    return _compact_upper(value)


def vin_check_digit(vin: str) -> str:
    """Return the check digit (position 9) for a 17-character VIN; the 9th char is ignored."""
    vin = normalize_vin(vin)
    if not _VIN_RE.fullmatch(vin):
        raise ValueError(f"not a 17-character VIN: {vin!r}")
    total = sum(_VIN_VALUES[char] * weight for char, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_model_year_code(year: int) -> str:
    """The model year character (position 10), e.g. 2024 -> "R"."""
    return _VIN_YEAR_CODES[(year - 1980) % len(_VIN_YEAR_CODES)]


def validate_vin(value: str) -> str:
    vin = normalize_vin(value)
    if not _VIN_RE.fullmatch(vin):
        raise ValidationError(
            _("Enter a valid VIN: 17 letters or digits, without I, O or Q."),
            code="invalid_vin_format",
        )
    expected = vin_check_digit(vin)
    if vin[_VIN_CHECK_INDEX] != expected:
        raise ValidationError(
            _("This VIN fails its check digit: the 9th character should be %(expected)s."),
            code="invalid_vin_check_digit",
            params={"expected": expected},
        )
    return vin


def make_vin(rng: random.Random, *, model_year: int | None = None) -> str:
    """A valid Chinese-market VIN (WMI starting with L) with a 6-digit serial number."""
    year = model_year if model_year is not None else rng.choice(_DEMO_MODEL_YEARS)
    descriptor = "".join(rng.choices(_VIN_CHARS, k=5))
    plant = rng.choice(_VIN_CHARS)
    serial = "".join(rng.choices(_DIGITS, k=6))
    vin = f"{rng.choice(_CHINESE_WMIS)}{descriptor}0{vin_model_year_code(year)}{plant}{serial}"
    return vin[:_VIN_CHECK_INDEX] + vin_check_digit(vin) + vin[_VIN_CHECK_INDEX + 1 :]


# --- Licence plates (GA 36) --------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O
_PLATE_CHAR = f"[{_PLATE_LETTERS}{_DIGITS}]"
_PLATE_AUTHORITY = f"[{_PROVINCES}][{_PLATE_LETTERS}]"
# Trailer, driving school, police, Hong Kong, Macau and consulate plates: 4 chars + suffix.
_PLATE_SUFFIXES = "挂学警港澳领"
_ORDINARY_PLATE_RE = re.compile(
    rf"{_PLATE_AUTHORITY}(?:{_PLATE_CHAR}{{5}}|{_PLATE_CHAR}{{4}}[{_PLATE_SUFFIXES}])"
)
# Small cars: A-E pure electric, F-K other new energy (D and F before 2022), then 5 chars
# whose last 4 are digits. Large vehicles: 5 digits then D or F.
_NEW_ENERGY_PLATE_RE = re.compile(
    rf"{_PLATE_AUTHORITY}(?:[A-HJK]{_PLATE_CHAR}[0-9]{{4}}|[0-9]{{5}}[DF])"
)
_PLATE_SEPARATORS_RE = re.compile(r"[\s·•・\-]")


def normalize_plate(value: str) -> str:
    return _PLATE_SEPARATORS_RE.sub("", _fold(value)).translate(_ASCII_UPPER)


def plate_is_new_energy(plate: str) -> bool:
    return _NEW_ENERGY_PLATE_RE.fullmatch(normalize_plate(plate)) is not None


def validate_plate(value: str) -> str:
    plate = normalize_plate(value)
    if not (_ORDINARY_PLATE_RE.fullmatch(plate) or _NEW_ENERGY_PLATE_RE.fullmatch(plate)):
        raise ValidationError(
            _("Enter a valid mainland licence plate, e.g. 沪A12345 or 沪AD12345."),
            code="invalid_plate",
        )
    return plate


def _ordinary_plate_body(rng: random.Random) -> str:
    body = rng.choices(_DIGITS, k=5)
    for index in rng.sample(range(5), k=rng.choice((0, 1, 1, 2))):
        body[index] = rng.choice(_PLATE_LETTERS)
    return "".join(body)


def _new_energy_plate_body(rng: random.Random) -> str:
    if rng.random() < 0.8:
        second = rng.choice(_PLATE_LETTERS + _DIGITS)
        return f"{rng.choice('DF')}{second}{rng.randrange(10**4):04d}"
    return f"{rng.randrange(10**5):05d}{rng.choice('DF')}"


def make_plate(
    rng: random.Random, province: str = "沪", city_letter: str = "A", new_energy: bool = False
) -> str:
    """A plate valid per validate_plate; new-energy plates are mostly the small-car form."""
    body = _new_energy_plate_body(rng) if new_energy else _ordinary_plate_body(rng)
    return f"{province}{city_letter}{body}"


# --- Resident ID numbers (GB 11643) ------------------------------------------------------

_ID_NUMBER_RE = re.compile(r"[1-8][0-9]{5}(?P<birthday>[0-9]{8})[0-9]{3}[0-9X]")
_ID_FIRST17_RE = re.compile(r"[0-9]{17}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_EARLIEST_BIRTHDAY = date(1900, 1, 1)
_DEMO_REGION_CODES = (
    "310101",  # 上海 黄浦
    "310115",  # 上海 浦东
    "110105",  # 北京 朝阳
    "110108",  # 北京 海淀
    "440305",  # 深圳 南山
    "440106",  # 广州 天河
    "320102",  # 南京 玄武
    "330106",  # 杭州 西湖
    "510107",  # 成都 武侯
    "420106",  # 武汉 武昌
)


def normalize_id_number(value: str) -> str:
    return _compact_upper(value)


def id_number_check_char(first17: str) -> str:
    if not _ID_FIRST17_RE.fullmatch(first17):
        raise ValueError(f"expected the first 17 digits of an ID number: {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _invalid_id_birthdate() -> ValidationError:
    return ValidationError(
        _("The birth date in this ID number is not valid."), code="invalid_id_birthdate"
    )


def _parse_id_birthday(digits: str) -> date:
    try:
        birthday = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _invalid_id_birthdate() from None
    if not _ID_EARLIEST_BIRTHDAY <= birthday <= timezone.localdate():
        raise _invalid_id_birthdate()
    return birthday


def id_number_birthday(value: str) -> date:
    """The birth date encoded in an ID number; raises ValidationError if it has none."""
    match = _ID_NUMBER_RE.fullmatch(normalize_id_number(value))
    if not match:
        raise ValidationError(
            _("Enter a valid 18-character resident ID number."), code="invalid_id_format"
        )
    return _parse_id_birthday(match["birthday"])


def validate_id_number(value: str) -> str:
    number = normalize_id_number(value)
    id_number_birthday(number)
    if number[17] != id_number_check_char(number[:17]):
        raise ValidationError(
            _("This ID number fails its check character; please look for a typo."),
            code="invalid_id_check_digit",
        )
    return number


def make_id_number(rng: random.Random, birthday: date, male: bool) -> str:
    """A valid ID number; the 17th digit is odd for men and even for women."""
    sex_digit = rng.choice("13579" if male else "02468")
    region = rng.choice(_DEMO_REGION_CODES)
    first17 = f"{region}{birthday:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    return first17 + id_number_check_char(first17)


# --- Other fields ------------------------------------------------------------------------


def validate_email_address(value: str) -> str:
    address = _fold(value).strip()
    local, at, domain = address.rpartition("@")
    if at:
        address = f"{local}@{domain.lower()}"
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address."), code="invalid_email") from error
    return address
