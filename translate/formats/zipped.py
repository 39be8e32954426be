"""Zip packages written the same way every time (DOCX is a zip).

python-docx dates every entry with the time of writing, so the same translation of the
same input would give other bytes a second later: its output record, and a Ray run
compared with a local one, could not tell them apart from a real change.
"""

from __future__ import annotations

import io
import zipfile

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def restamp(data: bytes, like: bytes) -> bytes:
    """``data`` (a zip) with each entry dated as ``like``'s entry of that name, else 1980."""
    with zipfile.ZipFile(io.BytesIO(like)) as source:
        dates = {item.filename: item.date_time for item in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as written, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in written.infolist():
            info = zipfile.ZipInfo(item.filename, dates.get(item.filename, _EPOCH))
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr
            target.writestr(info, written.read(item.filename))
    return out.getvalue()
