"""Tiny models built offline: a SentencePiece tokenizer + random-weight Marian or BART.

Their output is nonsense; they test structure, determinism and equivalence. A large
``init_std`` makes the output depend on the input (checked by the fixtures).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path

ITALIAN = """\
Corea del Nord e Russia: la nuova alleanza militare preoccupa l'Occidente.
Il leader della Corea del Nord ha incontrato il ministro russo delle risorse naturali.
Il Sig. Rossi ha pagato 10.000 euro, cioè lo 0,2% del totale, il 6 novembre 2024.
La S.p.A. ha chiuso l'esercizio con un utile netto in crescita del 12%.
Le tensioni nella politica mondiale aumentano, mentre i mercati restano prudenti.
Il governo ha approvato la legge di bilancio dopo un lungo dibattito in Parlamento.
La cooperazione militare è già in pieno svolgimento secondo fonti occidentali.
Scrivete a redazione@example.it oppure visitate https://www.example.it per informazioni.
Gli studenti hanno manifestato davanti al ministero dell'Istruzione a Roma.
Il sindaco di Milano ha presentato il nuovo piano per la mobilità sostenibile.
"""
ENGLISH = """\
North Korea and Russia: the new military alliance worries the West.
The leader of North Korea met the Russian minister of natural resources.
The government approved the budget law after a long debate in Parliament.
Students demonstrated in front of the Ministry of Education in Rome.
The mayor of Milan presented the new plan for sustainable mobility.
"""


def train_sentencepiece(lines: Iterable[str], vocab_size: int = 400) -> bytes:
    """A unigram SentencePiece model trained in memory (``hard_vocab_limit=False``)."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)), model_writer=buffer, vocab_size=vocab_size,
        hard_vocab_limit=False, model_type="unigram", character_coverage=1.0,
        pad_id=-1, bos_id=-1, unk_id=0, eos_id=1, unk_piece="<unk>", eos_piece="</s>",
        minloglevel=2, num_threads=1)
    return buffer.getvalue()


def build_marian(out: Path, text: str = ITALIAN + ENGLISH, *, d_model: int = 32,
                 layers: int = 1, heads: int = 2, ffn: int = 64, init_std: float = 1.0,
                 max_positions: int = 256, vocab_size: int = 400, seed: int = 0,
                 model_max_length: int = 256) -> Path:
    """Save a tiny random ``MarianMTModel`` and its ``MarianTokenizer`` into ``out``."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    proto = train_sentencepiece(text.splitlines() * 3, vocab_size)
    (out / "source.spm").write_bytes(proto)
    (out / "target.spm").write_bytes(proto)
    sp = spm.SentencePieceProcessor(model_proto=proto)
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    tokenizer = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                                str(out / "vocab.json"), model_max_length=model_max_length)
    size = len(vocab)
    config = MarianConfig(
        vocab_size=size, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn, max_position_embeddings=max_positions, pad_token_id=size - 1,
        decoder_start_token_id=size - 1, eos_token_id=1, forced_eos_token_id=1,
        init_std=init_std, scale_embedding=True, share_encoder_decoder_embeddings=True)
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_bart(out: Path, text: str = ENGLISH + ITALIAN, *, d_model: int = 32, layers: int = 1,
               heads: int = 2, ffn: int = 64, init_std: float = 1.0, max_positions: int = 256,
               vocab_size: int = 500, seed: int = 0, model_max_length: int = 128) -> Path:
    """Save a tiny random ``BartForConditionalGeneration`` and a byte-level BPE tokenizer."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    out.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(text.splitlines() * 3, vocab_size=vocab_size, min_frequency=1,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                            show_progress=False)
    bpe.save_model(str(out))
    tokenizer = BartTokenizer(str(out / "vocab.json"), str(out / "merges.txt"),
                              model_max_length=model_max_length)
    size = len(tokenizer)
    config = BartConfig(
        vocab_size=size, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn, max_position_embeddings=max_positions, init_std=init_std,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
        forced_bos_token_id=tokenizer.bos_token_id, forced_eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
