"""Decoded documents: encodings and BOMs in, the same form out (files: ``translate.files``)."""

from __future__ import annotations

from dataclasses import dataclass

from translate.text.encoding import decode


@dataclass(frozen=True)
class Document:
    """A decoded text file and how to write text back in the same form.

    Attributes:
        text: The decoded text, line endings untouched (CRLF stays CRLF).
        encoding: The encoding it was read with (``utf-8``, ``cp1252``, ...).
        bom: The byte-order mark it started with, written back in front of outputs.

    """

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""

    @property
    def is_blank(self) -> bool:
        """Whether there is nothing but whitespace to translate."""
        return not self.text.strip()


def decode_bytes(data: bytes, where: str = "<input>", encoding: str | None = None) -> Document:
    """Decode file contents; the rules are in ``translate.text.encoding``.

    A BOM, else strict UTF-8, else a legacy encoding only when its guess is clear.

    Args:
        data: The file's bytes.
        where: The file's name, for messages.
        encoding: Force this codec (``--encoding``) instead of detecting one.

    Raises:
        InputError: binary data, UTF-8 with errors, or an unclear or wrong encoding.
        UsageError: ``encoding`` is not a known codec.

    """
    decoded = decode(data, where, encoding)
    return Document(decoded.text, decoded.encoding, decoded.bom)


def encode_text(text: str, like: Document) -> bytes:
    """Encode output text: UTF-8 (or the input's UTF-16), keeping the input's BOM."""
    encoding = like.encoding if like.encoding.startswith("utf-16") else "utf-8"
    bom = like.bom if encoding == like.encoding else b""
    return bom + text.encode(encoding)


