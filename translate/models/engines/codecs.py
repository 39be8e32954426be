"""Text <-> token strings for CTranslate2, without importing torch where possible.

``transformers``' tokenizer classes pull in torch (about 190 MB of memory) through their
configuration module. For Marian models the tokenization is plain SentencePiece plus a
vocabulary file, so ``MarianCodec`` does it directly; ``tokenizer.json`` models use the
``tokenizers`` library; anything else falls back to ``AutoTokenizer``. The tests check
that the Marian codec agrees with ``MarianTokenizer`` token for token.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from translate.models.loading import load_errors, read_config

SPIECE_UNDERLINE = "▁"


class Codec(Protocol):
    """Tokenization as CTranslate2 needs it: token strings in, text out."""

    model_max_length: int
    special: set[str]

    def tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Source token strings of each text, special tokens included."""
        ...

    def decode(self, tokens: Sequence[str]) -> str:
        """Text of generated token strings, special tokens dropped."""
        ...

    def target_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Target-side token strings of each text, without the final ``</s>``."""
        ...


def _max_length(folder: Path) -> int:
    try:
        config = json.loads((folder / "tokenizer_config.json").read_text())
        value = int(config.get("model_max_length", 0))
    except (OSError, ValueError, TypeError):
        value = 0
    return value if 0 < value < 100_000 else 0


class MarianCodec:
    """MarianTokenizer's behaviour with SentencePiece and vocab.json only."""

    def __init__(self, folder: Path) -> None:
        import sentencepiece as spm

        self.source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self.target = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text("utf-8"))
        self.special = {"</s>", "<unk>", "<pad>"}
        self.model_max_length = _max_length(folder) or 512

    @staticmethod
    def supports(folder: Path) -> bool:
        """Whether ``folder`` is a Marian model with one shared vocabulary."""
        files = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
        if not all((folder / name).is_file() for name in files):
            return False
        config = json.loads((folder / "tokenizer_config.json").read_text())
        return bool(config.get("tokenizer_class") == "MarianTokenizer"
                    and not config.get("separate_vocabs"))

    def tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Pieces of each text (unknown pieces as ``<unk>``), then ``</s>``."""
        out = []
        for text in texts:
            code: list[str] = []
            if text.startswith(">>") and (end := text.find("<<")) != -1:
                code, text = [text[: end + 2]], text[end + 2:]
            pieces = [*code, *self.source.encode(text, out_type=str)]
            out.append([p if p in self.vocab else "<unk>" for p in pieces] + ["</s>"])
        return out

    def target_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Target pieces of each text (unknown pieces as ``<unk>``), no ``</s>``."""
        return [[p if p in self.vocab else "<unk>" for p in self.target.encode(text, out_type=str)]
                for text in texts]

    def decode(self, tokens: Sequence[str]) -> str:
        """Target pieces back to text."""
        pieces = [t for t in tokens if t not in self.special]
        text: str = self.target.decode_pieces(pieces)
        return text.replace(SPIECE_UNDERLINE, " ").strip()


class HFCodec:
    """Any transformers tokenizer (imports torch)."""

    def __init__(self, folder: Path) -> None:
        from transformers import AutoTokenizer

        self.tokenizer: Any = AutoTokenizer.from_pretrained(folder)
        # CTranslate2's workers call in from several threads; a fast tokenizer's Rust
        # object may refuse a second caller ("Already borrowed"): one at a time.
        self.lock = threading.Lock()
        self.special = set(self.tokenizer.all_special_tokens)
        length = int(getattr(self.tokenizer, "model_max_length", 0) or 0)
        self.model_max_length = length if 0 < length < 100_000 else 0

    def tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Token strings via ids, as ``AutoTokenizer`` encodes them."""
        if not texts:  # a fast tokenizer fails on an empty batch
            return []
        with self.lock:
            ids = self.tokenizer(list(texts), add_special_tokens=True)["input_ids"]
            return [self.tokenizer.convert_ids_to_tokens(row) for row in ids]

    def target_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Target token strings as the tokenizer encodes targets, final EOS dropped."""
        with self.lock:
            ids = self.tokenizer(text_target=list(texts), add_special_tokens=True)["input_ids"]
        eos = self.tokenizer.eos_token_id
        return [self.tokenizer.convert_ids_to_tokens(row[:-1] if row and row[-1] == eos
                                                     else row) for row in ids]

    def decode(self, tokens: Sequence[str]) -> str:
        """Token strings back to text, special tokens skipped."""
        with self.lock:
            ids = self.tokenizer.convert_tokens_to_ids(list(tokens))
            return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()


class TokenizersCodec:
    """A byte-level BPE ``tokenizer.json`` (BART's) through ``tokenizers``, without torch.

    transformers' own tokenizer for these models runs the same ``tokenizer.json`` and
    decodes without clean-up (it skips that for BPE); the tests check agreement.
    """

    FAMILIES = frozenset({"BartTokenizer", "BartTokenizerFast", "RobertaTokenizer",
                          "RobertaTokenizerFast"})

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.special = {token.content for token in
                        self.tokenizer.get_added_tokens_decoder().values() if token.special}
        self.model_max_length = _max_length(folder)

    @classmethod
    def supports(cls, folder: Path) -> bool:
        """Whether ``folder`` has a ``tokenizer.json`` of the BART (RoBERTa) family."""
        if not (folder / "tokenizer.json").is_file():
            return False
        try:
            config = json.loads((folder / "tokenizer_config.json").read_text())
        except (OSError, ValueError):
            return False
        return config.get("tokenizer_class") in cls.FAMILIES

    def tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Token strings with special tokens, as ``AutoTokenizer`` encodes them."""
        return [e.tokens for e in self.tokenizer.encode_batch(list(texts),
                                                              add_special_tokens=True)]

    def target_tokens(self, texts: Sequence[str]) -> list[list[str]]:
        """Target token strings (BART encodes targets as sources), final EOS dropped."""
        rows = self.tokens(texts)
        return [row[:-1] if row and row[-1] == "</s>" else row for row in rows]

    def decode(self, tokens: Sequence[str]) -> str:
        """Token strings back to text, special tokens skipped."""
        ids = [self.tokenizer.token_to_id(token) for token in tokens]
        return str(self.tokenizer.decode([i for i in ids if i is not None],
                                         skip_special_tokens=True)).strip()


def load_codec(folder: Path) -> MarianCodec | TokenizersCodec | HFCodec:
    """The lightest codec that reproduces the model's own tokenizer.

    Raises:
        ModelUnavailableError: the tokenizer files are missing or unreadable.

    """
    with load_errors(folder, "tokenizer"):
        if MarianCodec.supports(folder):
            return MarianCodec(folder)
        return TokenizersCodec(folder) if TokenizersCodec.supports(folder) else HFCodec(folder)


def position_limit(folder: Path) -> int:
    """The model's position table size, from config.json (no transformers import)."""
    return int(read_config(folder).get("max_position_embeddings") or 512)
