"""17TRACK webhook pushes: is this body really from 17TRACK?

17TRACK signs each push in the ``sign`` header: the hex SHA-256 of the raw request body, a ``/`` and the
account's security key, i.e. sha256(body + "/" + key) (API documentation v2.2, "Webhook → sign";
public receivers such as a Rust ``webhook_17track`` handler compute it the same way). The body is the
``{"event", "data"}`` JSON exactly as received, so the digest covers the event and its data. ``secret``
is the security key. Storing and de-duplicating pushes is the service's job.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Final

SIGN_HEADER: Final = "sign"
MAX_PUSH_BYTES: Final = 1024 * 1024


def sign(body: bytes, key: str) -> str:
    """sha256(body + "/" + key), lower-case hex, as 17TRACK sends it."""
    return hashlib.sha256(body + b"/" + key.encode("utf-8")).hexdigest()


def verify_push(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the ``sign`` header matches sha256(body + "/" + secret); compared in constant time.

    Header names are matched case-insensitively. An empty secret never verifies.
    """
    if not secret or len(body) > MAX_PUSH_BYTES:
        return False
    received = next((v for k, v in headers.items() if k.lower() == SIGN_HEADER), None)
    if received is None:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), received.strip().lower().encode("utf-8"))
