"""Cainiao LINK pushes: is this form body really from Cainiao?

Cainiao's open platform (LINK, link.cainiao.com) posts messages as a form ``logistic_provider_id,
msg_type, logistics_interface, data_digest`` where ``data_digest`` = base64(MD5(logistics_interface +
secret key)), MD5 as raw bytes (as public LINK clients compute it; not checked against Cainiao's own
documentation, which is not public). The global tracking JSON this adapter reads is not pushed, so
:func:`verify_push` only authenticates a LINK body for the service; the adapter does not parse LINK
messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qs

MAX_PUSH_BYTES: Final = 1024 * 1024


def digest(content: str, secret: str) -> str:
    """base64(MD5(content + secret)) — the LINK ``data_digest``."""
    raw = hashlib.md5((content + secret).encode("utf-8"), usedforsecurity=False).digest()
    return base64.b64encode(raw).decode("ascii")


def verify_push(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the form's ``data_digest`` matches its ``logistics_interface``; constant-time compare.

    ``headers`` is unused (LINK signs inside the form). An empty secret never verifies.
    """
    del headers
    if not secret or len(body) > MAX_PUSH_BYTES:
        return False
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return False
    contents, digests = fields.get("logistics_interface", []), fields.get("data_digest", [])
    if len(contents) != 1 or len(digests) != 1:
        return False
    return hmac.compare_digest(
        digest(contents[0], secret).encode("ascii"), digests[0].strip().encode("utf-8")
    )
