"""Sealing pending ballot entries (AES-256-GCM) until the sequencer writes them.

A vote's transaction writes the voter record and a *pending entry*; if the pending entry
said in clear text what was chosen, anyone reading the database (or a backup taken in that
moment) could join the two rows on their transaction id. So the pending entry is sealed
with a key derived from ``SECRET_KEY`` (which lives in the environment, not in the
database or its backups) and padded to a fixed size, so that not even its length says
what it contains. The sequencer (:func:`gongzhi.decisions.services.ballot_seal`) opens
it, writes the content in a shuffled batch and deletes it.

Key rotation: ``SECRET_KEY_FALLBACKS`` are tried when opening, so entries sealed before a
rotation can still be written.
"""

from __future__ import annotations

import functools
import json
import os
import struct
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"
BLOCK = 512  # plaintexts are padded to a multiple of this many bytes
_AAD = b"gongzhi-pending-ballot-entry-v1"


class SealError(ValueError):
    """A pending entry that no configured key opens."""


@functools.lru_cache(maxsize=16)
def _cipher(secret: str | bytes) -> AESGCM:
    """The AES-GCM cipher of one secret, its key derived once per process (HKDF is
    deterministic: caching changes nothing but the cost of a vote)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gongzhi-decisions-seal",
               info=b"pending ballot entries").derive(raw)
    return AESGCM(key)


def _ciphers() -> list[AESGCM]:
    """SECRET_KEY's cipher first, then the fallbacks' (read from the settings on every
    call, so a settings change is seen at once)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_cipher(s) for s in secrets]


def seal(entry: dict[str, Any]) -> bytes:
    """Encrypt ``entry`` (JSON-serialisable) into a fixed-size-class blob."""
    plain = json.dumps(entry, sort_keys=True, separators=(",", ":"),
                       ensure_ascii=False).encode()
    body = struct.pack(">I", len(plain)) + plain
    body += b"\0" * (-len(body) % BLOCK)
    nonce = os.urandom(12)
    return VERSION + nonce + _ciphers()[0].encrypt(nonce, body, _AAD)


def unseal(blob: bytes) -> dict[str, Any]:
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise SealError("unknown pending-entry format")
    nonce, data = blob[1:13], blob[13:]
    for cipher in _ciphers():
        try:
            body = cipher.decrypt(nonce, data, _AAD)
        except InvalidTag:
            continue
        (length,) = struct.unpack(">I", body[:4])
        return json.loads(body[4:4 + length])
    raise SealError("no configured key (SECRET_KEY or SECRET_KEY_FALLBACKS) opens this "
                    "pending ballot entry")
