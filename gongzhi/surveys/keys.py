"""Pseudonymous respondent keys: HMAC-SHA256 of a user id (or a paper respondent code)
under the survey series' secret. Waves of one series share the secret, so before and after
pair; without the secret a key reveals nothing about the person."""

from __future__ import annotations

import hashlib
import hmac


def respondent_key(secret: str, user_id: int) -> str:
    return hmac.new(secret.encode(), f"user:{user_id}".encode(), hashlib.sha256).hexdigest()


def paper_key(secret: str, code: str) -> str:
    return hmac.new(secret.encode(), f"paper:{code.strip().upper()}".encode(),
                    hashlib.sha256).hexdigest()
