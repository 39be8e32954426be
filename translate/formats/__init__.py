"""Document formats: a reader and a writer for each, under one interface (``base``)."""

from translate.formats.base import Format, Parsed, Written, format_for, placeholder_damage

__all__ = ["Format", "Parsed", "Written", "format_for", "placeholder_damage"]
