"""Kuaidi100 subscription pushes: is this body really from Kuaidi100?

The push is a form POST ``param=<JSON>&sign=<hex>`` to the ``callbackurl`` given when subscribing. When
the subscription set a ``salt``, ``sign`` = MD5(param + salt), 32 hex digits upper-case (Kuaidi100 push
documentation, https://apifox.com/apidoc/project-514987/api-55500331: "加密方式：md5(param+salt)"; the
official demo ``kuaidi100-api/java-demo`` signs the same way). ``secret`` is that salt. Storing and
de-duplicating pushes is the service's job; this module checks authenticity and says what was signed.

Only ``param`` is signed: a body with any other field (``&pad=…``) is refused, and the service
de-duplicates on :func:`signed_content` (the ``param`` text), so re-encoding or reordering the form
of one signed push cannot store it twice (issue 10, class 9).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qs

#: Largest push body checked; a real push is a few kilobytes.
MAX_PUSH_BYTES: Final = 1024 * 1024
#: The form fields of a push: the signed JSON and its signature, nothing else.
PUSH_FIELDS: Final = frozenset({"param", "sign"})


def sign(param: str, salt: str) -> str:
    """MD5(param + salt) as Kuaidi100 sends it: 32 upper-case hex digits."""
    return hashlib.md5((param + salt).encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def verify_push(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the form body's ``sign`` matches MD5(param + secret); compared in constant time.

    ``headers`` is unused (Kuaidi100 signs inside the form) but kept for the common push interface.
    An empty secret never verifies: an unsigned subscription cannot prove anything.
    """
    del headers
    fields = _fields(body)
    if not secret or fields is None:
        return False
    expected = sign(fields["param"], secret).encode("ascii")
    return hmac.compare_digest(expected, fields["sign"].strip().upper().encode("utf-8"))


def signed_content(body: bytes) -> bytes | None:
    """What the signature covers (the ``param`` text, UTF-8): the identity of a push; None if malformed."""
    fields = _fields(body)
    return None if fields is None else fields["param"].encode("utf-8")


def _fields(body: bytes) -> dict[str, str] | None:
    """``param`` and ``sign``, each exactly once and nothing else, or None."""
    if len(body) > MAX_PUSH_BYTES:
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    if set(fields) != PUSH_FIELDS or any(len(values) != 1 for values in fields.values()):
        return None
    return {name: values[0] for name, values in fields.items()}
