"""The Finnish identity code (henkilötunnus): validation, encryption at rest, lookup hash, mask.

The clear code lives only in memory: the database holds a Fernet token (`hetu_encrypted`) and a
keyed HMAC (`hetu_hash`) for exact lookup. Nothing here logs the code.
"""

import hashlib
import hmac
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.fi import hetu as stdnum_hetu

_CENTURIES = {"+": 1800}
_CENTURIES.update(dict.fromkeys("-YXWVU", 1900))
_CENTURIES.update(dict.fromkeys("ABCDEF", 2000))


def _encryption_keys() -> list[str]:
    keys = [k for k in getattr(settings, "FIELD_ENCRYPTION_KEY", []) if k]
    if keys:
        return keys
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off.")


def _hash_key() -> bytes:
    key = getattr(settings, "HETU_HASH_KEY", "")
    if key:
        return key.encode()
    raise ImproperlyConfigured("HETU_HASH_KEY must be set when DEBUG is off.")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not a valid Fernet key.") from exc


def check_configuration() -> list[str]:
    """Problems with the keys, for the start-up system check (empty when all is well)."""
    problems = []
    try:
        _fernet(tuple(_encryption_keys()))
    except ImproperlyConfigured as exc:
        problems.append(str(exc))
    try:
        _hash_key()
    except ImproperlyConfigured as exc:
        problems.append(str(exc))
    return problems


def normalise(code: str) -> str:
    return stdnum_hetu.compact(code or "")


def birth_date(code: str) -> date:
    """The date of birth written in a (valid) identity code, with the 2023 century signs."""
    code = normalise(code)
    century = _CENTURIES[code[6]]
    return date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))


def is_temporary(code: str) -> bool:
    """Individual numbers 900–999 are temporary identity codes."""
    return 900 <= int(normalise(code)[7:10]) <= 999


def validate(code: str, date_of_birth: date | None = None) -> str:
    """The normalised code, or a translated ValidationError; it must agree with `date_of_birth`.

    Temporary codes (900–999) are accepted: they are what many newcomers have first.
    """
    code = normalise(code)
    try:
        stdnum_hetu.validate(code, allow_temporary=True)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of the identity code is wrong."), code="hetu_checksum"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("This is not a valid Finnish identity code."), code="hetu_invalid"
        ) from exc
    if date_of_birth is not None and birth_date(code) != date_of_birth:
        raise ValidationError(
            _("The identity code does not agree with the date of birth."),
            code="hetu_date_mismatch",
        )
    return code


def encrypt(code: str) -> str:
    return _fernet(tuple(_encryption_keys())).encrypt(normalise(code).encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(tuple(_encryption_keys())).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An identity code cannot be decrypted with the configured FIELD_ENCRYPTION_KEY."
        ) from exc


def lookup_hash(code: str) -> str:
    """Keyed HMAC-SHA256 of the normalised code: equal codes give equal hashes."""
    return hmac.new(_hash_key(), normalise(code).encode(), hashlib.sha256).hexdigest()


def looks_like_hetu(text: str) -> bool:
    return stdnum_hetu.is_valid(normalise(text), allow_temporary=True)


def masked(date_of_birth: date) -> str:
    """What the UI shows by default: the date part only, which the date of birth already tells."""
    return f"{date_of_birth:%d%m%y}•••••"
