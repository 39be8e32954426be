"""Signatures in words: a readable, sacrebleu-style line for every signature dict.

The cache keys outputs by a hash of a signature (``cache.store.signature_id``); a hash
cannot say why a re-run missed. ``readable_signature`` writes the same dict as one
stable line, ``key=value`` fields joined by ``|``, stored in each output's record
beside the hash, so that ``translate cache stats --explain`` can name the fields that
changed. Every field of the dict is written: a field left out could hide a miss.

Short keys (any other field keeps its own name; nested dicts give ``parent.field``):

=================  ===========  =================================================
signature field    short key    value
=================  ===========  =================================================
task               task         ``translate`` or ``summarize``
pair               pair         the registry key (``it-en``, ``summarizer``)
model (+identity)  model        hub id or local folder name, ``@`` identity (12)
engine             engine       ``transformers``, ``ctranslate2``, ``apertium``...
device             device       ``cpu``, ``cuda``: where the outputs were computed
compute_type       compute      ``int8``, ``float32``, ``float16``...
num_beams          beams        beam width
max_new_tokens     max_new      longest output of one sentence, in tokens
min_new_tokens     min_new      shortest output, in tokens
no_repeat_ngram..  no_repeat    ``no_repeat_ngram_size``
length_penalty     len_pen      ``generate()`` length penalty
max_input_tokens   max_in       longest input sentence, in tokens
source_prefix      prefix       text put before each input (``none``: none)
segmenter          segmenter    the sentence splitter's version
version            v            translate's version
libraries.NAME     NAME         an installed library's version (``none``: absent);
                                torch's for the transformers engine
method             method       summary method
max_words          max_words    longest summary, in words
min_words          min_words    shortest summary, in words
language           lang         an extractive summary's language
translators        translators  ``pair:signature-id`` of the translating models
=================  ===========  =================================================

Groups (``generation``, ``libraries``, ``options``, a summariser's model signature)
are flattened into the line; a nested field equal to one already written (the
summariser's ``task``, ``version``) is written once, a differing one as
``parent.field``. Values are percent-encoded where they hold ``|``, ``%`` or white
space, so the line splits back into its fields exactly (``parse_signature``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

if TYPE_CHECKING:
    from translate.models.routing import Router

SHORT_KEYS = {
    "compute_type": "compute", "num_beams": "beams", "max_new_tokens": "max_new",
    "min_new_tokens": "min_new", "no_repeat_ngram_size": "no_repeat",
    "length_penalty": "len_pen", "max_input_tokens": "max_in", "source_prefix": "prefix",
    "version": "v", "language": "lang",
}
# Nested dicts written as their own fields, without a ``parent.`` prefix.
FLAT_GROUPS = {"generation", "libraries", "options", "model"}
IDENTITY_CHARS = 12
_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in "|%")


def readable_signature(signature: Mapping[str, Any]) -> str:
    """``signature`` as one stable line of ``key=value`` fields joined by ``|``.

    Args:
        signature: A signature dict (``Translator.signature()``, a summary's).

    Returns:
        E.g. ``task=translate|pair=it-en|model=Helsinki-NLP/opus-mt-it-en@a1b2c3d4e5f6|
        engine=ctranslate2|compute=int8|beams=4|...|v=0.1.0|sentencepiece=0.2.0``.
    """
    fields: dict[str, str] = {}
    _flatten(signature, "", fields)
    return "|".join(f"{key}={value}" for key, value in fields.items())


def parse_signature(text: str) -> dict[str, str]:
    """The fields of a ``readable_signature`` line, values decoded, in order."""
    fields: dict[str, str] = {}
    for part in text.split("|") if text else ():
        key, _, value = part.partition("=")
        fields[key] = unquote(value)
    return fields


def differences(recorded: str, current: str) -> list[str]:
    """The fields that differ between two readable signatures, as ``key old -> new``.

    A field only one side has shows ``(none)`` on the other.
    """
    old, new = parse_signature(recorded), parse_signature(current)
    keys = [*old, *(k for k in new if k not in old)]
    return [f"{key} {old.get(key, '(none)')} -> {new.get(key, '(none)')}"
            for key in keys if old.get(key) != new.get(key)]


def route_signatures(router: Router, languages: Iterable[str], target: str) -> dict[str, str]:
    """Readable signatures of every model on the routes from ``languages`` to ``target``."""
    return {t.spec.key: readable_signature(t.signature()) for lang in languages
            for t in router.route(lang, target)}


def model_name(model: str) -> str:
    """A model as the signature line shows it: a hub id, or a local folder's name."""
    from translate.models.hub import looks_like_path

    if looks_like_path(model) or os.path.isabs(model):
        return os.path.basename(os.path.normpath(os.path.expanduser(model))) or model
    return model


def short_identity(identity: str) -> str:
    """A model identity with each long hash in it cut to 12 characters."""
    return " ".join(_short_hash(word) for word in identity.split())


def _short_hash(word: str) -> str:
    word = word.removeprefix("sha256:")  # a local folder's content hash
    is_hex = len(word) > IDENTITY_CHARS and all(c in "0123456789abcdef" for c in word.lower())
    return word[:IDENTITY_CHARS] if is_hex else word


def _flatten(signature: Mapping[str, Any], parent: str, fields: dict[str, str],
             group: str = "") -> None:
    for key, value in signature.items():
        if key == "model_identity" and "model" in signature:
            continue  # written with the model
        if isinstance(value, Mapping) and key == "translators":
            _put(fields, key, parent, group, ",".join(f"{k}:{v}" for k, v in value.items()))
        elif isinstance(value, Mapping):
            flat = key in FLAT_GROUPS
            _flatten(value, parent if flat else f"{parent}{key}.", fields, key if flat else group)
        elif key == "model" and isinstance(value, str):
            identity = signature.get("model_identity")
            shown = model_name(value)
            _put(fields, key, parent, group,
                 shown if identity is None else f"{shown}@{short_identity(str(identity))}")
        else:
            _put(fields, SHORT_KEYS.get(key, key), parent, group, _value(value))


def _put(fields: dict[str, str], key: str, parent: str, group: str, value: str) -> None:
    """Add a field; one already there with another value keeps both (``group.key``)."""
    name = parent + key
    if name in fields and fields[name] != value:
        name = f"{group or 'nested'}.{name}"
    while name in fields and fields[name] != value:
        name += "'"
    fields.setdefault(name, value)


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_value(v) for v in value)
    return quote(str(value), safe=_SAFE)
