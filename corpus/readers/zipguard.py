"""Refuse ZIP archives (DOCX) whose decompressed size would be dangerous: zip bombs."""

from __future__ import annotations

import zipfile

from mati.errors import ReaderLimitExceeded

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_ABOVE = 10 * 1024 * 1024
MAX_MEMBERS = 10_000


def check_zip(archive: zipfile.ZipFile) -> None:
    """Raise ReaderLimitExceeded if the archive is too big when unpacked or suspiciously compressed.

    Uses the sizes the central directory declares; zipfile never inflates a member past its declared
    size, so lying headers end in a CRC error instead of a bomb.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ReaderLimitExceeded(f"zip bomb? the archive has {len(members)} members (limit {MAX_MEMBERS})")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > MAX_UNCOMPRESSED:
        raise ReaderLimitExceeded(
            f"zip bomb? the archive unpacks to {unpacked / 2**20:.0f} MB "
            f"(limit {MAX_UNCOMPRESSED / 2**20:.0f} MB)"
        )
    if unpacked > RATIO_CHECK_ABOVE and unpacked > MAX_RATIO * max(packed, 1):
        raise ReaderLimitExceeded(
            f"zip bomb? the archive unpacks to {unpacked / 2**20:.0f} MB, "
            f"{unpacked / max(packed, 1):.0f} times its packed size (limit {MAX_RATIO}x)"
        )
