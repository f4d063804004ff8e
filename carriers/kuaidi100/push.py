"""Kuaidi100 subscription pushes: is this body really from Kuaidi100?

The push is a form POST ``param=<JSON>&sign=<hex>`` to the ``callbackurl`` given when subscribing. When
the subscription set a ``salt``, ``sign`` = MD5(param + salt), 32 hex digits upper-case (Kuaidi100 push
documentation, https://apifox.com/apidoc/project-514987/api-55500331: "加密方式：md5(param+salt)"; the
official demo ``kuaidi100-api/java-demo`` signs the same way). ``secret`` is that salt. Storing and
de-duplicating pushes is the service's job; this module only checks authenticity.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qs

#: Largest push body checked; a real push is a few kilobytes.
MAX_PUSH_BYTES: Final = 1024 * 1024


def sign(param: str, salt: str) -> str:
    """MD5(param + salt) as Kuaidi100 sends it: 32 upper-case hex digits."""
    return hashlib.md5((param + salt).encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def verify_push(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the form body's ``sign`` matches MD5(param + secret); compared in constant time.

    ``headers`` is unused (Kuaidi100 signs inside the form) but kept for the common push interface.
    An empty secret never verifies: an unsigned subscription cannot prove anything.
    """
    del headers
    if not secret or len(body) > MAX_PUSH_BYTES:
        return False
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return False
    params, signs = fields.get("param", []), fields.get("sign", [])
    if len(params) != 1 or len(signs) != 1:
        return False
    expected = sign(params[0], secret).encode("ascii")
    return hmac.compare_digest(expected, signs[0].strip().upper().encode("utf-8"))
