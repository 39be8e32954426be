"""``JobOptions``: the settings of one pipeline run that are not model settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from translate.options import Options, layer_values
from translate.text.encoding import check_encoding

__all__ = ["JobOptions", "job_options"]


@dataclass(frozen=True)
class JobOptions:
    """Per-run settings that are not model settings.

    Attributes:
        target: Target language code.
        source: Source language code, or ``auto`` to detect per document and paragraph.
        glob: File-name pattern for folders (default: text files).
        use_cache: Read and write the cache next to the inputs (``--no-cache``: off).
        force: Ignore cache hits and up-to-date outputs; translate and overwrite.
        dry_run: Plan only: count segments, hits and tokens; load no model, write nothing.
        chunk_segments: Segments gathered across files before the model runs.
        encoding: Read inputs with this codec instead of detecting one (``--encoding``).
        retry: Generate failing segments once more (``--no-retry``: off).
        check_roundtrip: Translate outputs back and flag those far from the source.
        memory: Answer segments from the tree's translation memory before any model.
        glossary: Glossary files, later ones winning per term (``--glossary``).
        keep: Spans never translated (``--keep``, ``[keep]``).
        keep_names: Keep names found by the name rule (``--no-keep-names``: off).
        translate_sheet_names: Translate XLSX sheet names and rewrite their references.
        ocr: Run ``ocrmypdf`` on PDFs without a text layer first.

    """

    target: str = "en"
    source: str = "auto"
    glob: str | None = None
    use_cache: bool = True
    force: bool = False
    dry_run: bool = False
    chunk_segments: int = 4096
    encoding: str | None = None
    retry: bool = True
    check_roundtrip: bool = False
    memory: bool = True  # the translation memory (translate.translation.memory)
    # terms and names (translate.translation.protecting)
    glossary: tuple[Path, ...] = ()
    keep: tuple[str, ...] = ()
    keep_names: bool = True
    # issue 26's reading settings (formats.base.run_format)
    translate_sheet_names: bool = False
    ocr: bool = False


def job_options(options: Options) -> JobOptions:
    """The pipeline's settings: the fields of ``options`` that reach the ``job`` layer.

    Raises:
        UsageError: ``encoding`` is not a codec Python knows.
    """
    values = layer_values(options, "job")
    if values["encoding"]:
        values["encoding"] = check_encoding(values["encoding"])
    return JobOptions(**values)
