"""Field encryption (AES-GCM with a key ring) and blind indexes (HMAC-SHA256) — R-SEC-3.

A stored value looks like ``v1.<key id>.<base64 nonce+ciphertext>``. The first key of the
ring encrypts; any key of the ring decrypts, so keys can be rotated without downtime.
The blind index uses its own key: knowing the index never helps to decrypt.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dealercare.core.validators import normalize_id_number, normalize_mobile

PREFIX = "v1"
NONCE_BYTES = 12


def _derive_dev_key(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


def _decode_key(variable: str, value: str) -> bytes:
    value = value.strip()
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(f"{variable} must hold base64-encoded 32-byte keys.")
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=1)
def _key_ring() -> tuple[tuple[str, AESGCM], dict[str, AESGCM]]:
    keys = [_decode_key("DEALERCARE_FIELD_KEYS", k) for k in settings.FIELD_ENCRYPTION_KEYS] or [
        _derive_dev_key(b"dealercare field encryption")
    ]
    ring = {_key_id(k): AESGCM(k) for k in keys}
    current_id = _key_id(keys[0])
    return (current_id, ring[current_id]), ring


@lru_cache(maxsize=1)
def _blind_index_key() -> bytes:
    if settings.BLIND_INDEX_KEY:
        return _decode_key("DEALERCARE_BLIND_INDEX_KEY", settings.BLIND_INDEX_KEY)
    return _derive_dev_key(b"dealercare blind index")


def load_keys() -> None:
    """Read the keys at start-up, so that a malformed key stops the app before it serves."""
    _key_ring()
    _blind_index_key()


def encrypt(plaintext: str) -> str:
    (key_id, aead), _ring = _key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), None)
    return f"{PREFIX}.{key_id}.{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    prefix, key_id, body = token.split(".", 2)
    if prefix != PREFIX:
        raise ValueError("Unknown ciphertext format")
    _current, ring = _key_ring()
    raw = base64.b64decode(body)
    return ring[key_id].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()


def blind_index(kind: str, normalized_value: str) -> str:
    """Keyed hash of an already-normalised value; equal inputs give equal indexes."""
    if not normalized_value:
        return ""
    digest = hmac.new(
        _blind_index_key(), f"{kind}:{normalized_value}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:32]


def phone_index(raw: str) -> str:
    """Blind index of a mobile number however it was typed (+86, spaces, dashes)."""
    return blind_index("phone", normalize_mobile(raw)) if raw else ""


def id_number_index(raw: str) -> str:
    """Blind index of a resident ID number however it was typed (spaces, a lower-case x)."""
    return blind_index("id", normalize_id_number(raw)) if raw else ""
