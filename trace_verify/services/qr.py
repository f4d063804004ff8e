"""QR images of signed code URLs: the ``qrcode`` package lays the symbol out, PNG and SVG are drawn directly.

``qrcode``'s defaults (``make(fit=True)`` trying all eight masks, then PIL drawing box by box) made
about 140 codes/s here. The profile (bench/qr.py --profile) showed where: scoring eight masks, the
Reed–Solomon division on polynomial objects (about half of the rest), bit-by-bit buffers, then
placing modules one call at a time. So:

* the mask is fixed (pattern 2: any mask is valid and every reader handles it; choosing one only
  lowers a penalty score meant for poor optics), and the version is the smallest that fits at ECC M;
* ``qrcode`` still builds each version's structure once (finder, timing and alignment patterns, the
  format information for ECC M and this mask, the order of the data modules) and its own block table;
* the data codewords are packed in one integer and their error correction computed with a
  table-driven Reed–Solomon remainder (one shift and one XOR per codeword); a test checks every
  matrix equals ``qrcode``'s own ``make()`` with the same mask;
* images are written straight from the module matrix: a 1-bit greyscale PNG and an SVG of one path.
  Matrices and images are cached per URL.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import qrcode
from qrcode import base as qr_base
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M

#: The mask used for every code (0–7): fixed, so the encoder does not score all eight.
MASK: Final = 2
BORDER: Final = 4  # the quiet zone ISO/IEC 18004 asks for, in modules
PNG_SCALE: Final = 8  # pixels per module: one byte of a 1-bit PNG row
#: A module (False light, True dark) as one byte of a 1-bit greyscale row (0 is black).
_PNG_BYTES: Final = bytes([0xFF, 0x00]) + bytes(254)
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_MAX_VERSION: Final = 9  # byte mode's 8-bit length field ends at version 9: far above our URLs

Matrix = tuple[tuple[bool, ...], ...]

# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1 (qrcode's own tables).
_EXP: Final = [qr_base.gexp(i) for i in range(255)] * 2
_LOG: Final = [0] + [qr_base.glog(i) for i in range(1, 256)]


@dataclass(frozen=True, slots=True)
class _Layout:
    """One version's symbol at ECC M and the fixed mask, as ``qrcode`` lays it out."""

    version: int
    template: tuple[tuple[bool, ...], ...]  # function patterns and format information
    positions: tuple[tuple[int, int, bool], ...]  # data modules in placement order, with the mask bit
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error-correction codewords) per block
    capacity: int  # data codewords
    flat_positions: tuple[int, ...]  # the data modules as row * size + column
    mask_bits: int  # the mask over the data modules, first module highest


@cache
def _layout(version: int) -> _Layout:
    code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK)
    n = version * 4 + 17
    code.modules_count = n
    code.modules = [[None] * n for _ in range(n)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(n - 7, 0)
    code.setup_position_probe_pattern(0, n - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(False, MASK)
    if version >= 7:
        code.setup_type_number(False)
    mask = qr_util.mask_func(MASK)
    positions = []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if code.modules[row][c] is None:
                    positions.append((row, c, bool(mask(row, c))))
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    blocks = tuple(
        (b.data_count, b.total_count - b.data_count) for b in qr_base.rs_blocks(version, ERROR_CORRECT_M)
    )
    template = tuple(tuple(bool(m) for m in r) for r in code.modules)
    flat = tuple(r * n + c for r, c, _ in positions)
    mask_bits = int("".join("1" if flip else "0" for _, _, flip in positions), 2)
    return _Layout(version, template, tuple(positions), blocks, sum(d for d, _ in blocks), flat, mask_bits)


@cache
def _rs_table(ec_count: int) -> tuple[int, ...]:
    """For each leading factor, the generator polynomial times it, packed as one integer."""
    generator = [1]
    for i in range(ec_count):  # (x - a^0)(x - a^1)…: coefficients, highest degree first
        nxt = [0] * (len(generator) + 1)
        for j, coefficient in enumerate(generator):
            nxt[j] ^= coefficient
            if coefficient:
                nxt[j + 1] ^= _EXP[_LOG[coefficient] + i]
        generator = nxt
    tail = generator[1:]
    rows = [0]
    for factor in range(1, 256):
        shifted = bytes(_EXP[_LOG[factor] + _LOG[g]] if g else 0 for g in tail)
        rows.append(int.from_bytes(shifted, "big"))
    return tuple(rows)


def _remainder(data: bytes, ec_count: int) -> bytes:
    """The Reed–Solomon error-correction codewords of one block."""
    table = _rs_table(ec_count)
    top = 8 * (ec_count - 1)
    mask = (1 << (8 * ec_count)) - 1
    remainder = 0
    for byte in data:
        factor = byte ^ (remainder >> top)
        remainder = ((remainder << 8) & mask) ^ table[factor]
    return remainder.to_bytes(ec_count, "big")


def _fitting_version(length: int) -> int:
    for version in range(1, _MAX_VERSION + 1):
        if 4 + 8 + 8 * length <= 8 * _layout(version).capacity:
            return version
    raise ValueError(f"{length} bytes do not fit a version {_MAX_VERSION} QR code at ECC M")


def _codewords(payload: bytes, layout: _Layout) -> bytes:
    """Mode, length, data, terminator and padding, then the blocks interleaved with their EC."""
    capacity = layout.capacity
    bits = (0b0100 << 8 | len(payload)) << (8 * len(payload)) | int.from_bytes(payload, "big")
    length = 12 + 8 * len(payload)
    terminator = min(4, 8 * capacity - length)
    bits <<= terminator
    length += terminator
    if length % 8:
        bits <<= 8 - length % 8
        length += 8 - length % 8
    data = bits.to_bytes(length // 8, "big")
    data += bytes((0xEC, 0x11)[i % 2] for i in range(capacity - len(data)))
    blocks, ecs, offset = [], [], 0
    for data_count, ec_count in layout.blocks:
        block = data[offset : offset + data_count]
        offset += data_count
        blocks.append(block)
        ecs.append(_remainder(block, ec_count))
    out = bytearray()
    for group in (blocks, ecs):
        for i in range(max(len(b) for b in group)):
            out.extend(b[i] for b in group if i < len(b))
    return bytes(out)


@lru_cache(maxsize=8192)
def encode(text: str) -> tuple[int, Matrix]:
    """(version, module matrix without quiet zone) of ``text`` in byte mode at ECC M, fixed mask."""
    payload = text.encode("utf-8")
    layout = _layout(_fitting_version(len(payload)))
    codewords = _codewords(payload, layout)
    count = len(layout.positions)
    # Data bits, zero-padded to every data module (remainder bits), XOR the mask: one string of 0/1.
    value = (int.from_bytes(codewords, "big") << (count - 8 * len(codewords))) ^ layout.mask_bits
    bits = format(value, f"0{count}b")
    n = len(layout.template)
    flat = [m for row in layout.template for m in row]
    for place, bit in zip(layout.flat_positions, bits, strict=True):
        flat[place] = bit == "1"
    return layout.version, tuple(tuple(flat[i : i + n]) for i in range(0, n * n, n))


def reference_matrix(text: str) -> Matrix:
    """``qrcode``'s own matrix for ``text`` (same mask and ECC): what :func:`encode` must equal."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK)
    code.add_data(qr_util.QRData(text.encode("utf-8"), mode=4))  # 4: byte mode (qr_util.MODE_8BIT_BYTE)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def version_of(text: str) -> int:
    """The QR version ``text`` needs at ECC M."""
    return encode(text)[0]


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


@lru_cache(maxsize=2048)
def png(text: str) -> bytes:
    """A 1-bit greyscale PNG of ``text``'s QR with its quiet zone, 8 pixels per module.

    At 8 pixels a module is exactly one byte of a 1-bit row (0x00 dark, 0xFF light), so a row is
    ``bytes`` of the module row and each is repeated 8 times.
    """
    _, matrix = encode(text)
    size = len(matrix) + 2 * BORDER
    quiet = b"\xff" * BORDER
    # Each module row is 8 identical pixel rows: the first written as is (filter 0), the other seven
    # with PNG's "Up" filter (2), which makes them all zeros: zlib's fastest level then packs them well.
    same = (b"\x02" + bytes(size)) * (PNG_SCALE - 1)
    blank = b"\x00" + b"\xff" * size + same
    rows = [blank] * BORDER
    for row in matrix:
        rows.append(b"\x00" + quiet + bytes(row).translate(_PNG_BYTES) + quiet + same)
    rows.extend([blank] * BORDER)
    width = size * PNG_SCALE
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    data = zlib.compress(b"".join(rows), 1)
    return _PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


@lru_cache(maxsize=2048)
def svg(text: str, size_mm: float | None = None) -> str:
    """An SVG of ``text``'s QR, one path of unit squares; ``size_mm`` sets its printed size."""
    _, matrix = encode(text)
    n = len(matrix) + 2 * BORDER
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start + BORDER} {y + BORDER}h{x - start}v1h-{x - start}z")
    size = f'width="{size_mm}mm" height="{size_mm}mm" ' if size_mm else f'width="{n * 4}" height="{n * 4}" '
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {size}viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )
