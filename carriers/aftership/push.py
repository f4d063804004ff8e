"""AfterShip webhooks: is this body really from AfterShip?

AfterShip signs each webhook with HMAC-SHA256 of the raw body under the account's webhook secret,
base64-encoded, in the ``aftership-hmac-sha256`` header (AfterShip webhook documentation,
https://www.aftership.com/docs/tracking/webhook/webhook-signature; carriers.md §6.1). ``secret`` is that
webhook secret. Storing and de-duplicating webhooks (``event_id``) is the service's job.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Final

SIGNATURE_HEADER: Final = "aftership-hmac-sha256"
MAX_PUSH_BYTES: Final = 1024 * 1024


def sign(body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(secret, body)), as AfterShip sends it."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def verify_push(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the ``aftership-hmac-sha256`` header matches; compared in constant time.

    Header names are matched case-insensitively. An empty secret never verifies.
    """
    if not secret or len(body) > MAX_PUSH_BYTES:
        return False
    received = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), None)
    if received is None:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), received.strip().encode("utf-8"))
