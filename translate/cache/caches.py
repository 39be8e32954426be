"""The caches of one run: one per cache root, opened once, closed once.

A run's inputs may sit under several cache roots (``find_cache_root``). ``CacheSet``
opens each root's cache on first use and hands the same ``Cache`` to every file
under it. A cache that cannot be used is remembered as its ``CacheError`` and raised
again for each of its files, while the files of other roots go on. Warnings (a
damaged cache rebuilt) are collected for the report, and ``close`` records the run's
counts in each cache before closing it.
"""

from __future__ import annotations

from pathlib import Path

from translate.cache.store import CACHE_DIR, Cache, find_cache_root
from translate.errors import CacheError


class CacheSet:
    """Owns the caches a run opens.

    Args:
        use_cache: ``False`` (``--no-cache``): every file is served by no cache.
        dry_run: Open only caches that exist (a dry run creates nothing).

    Attributes:
        warnings: What went wrong in a cache and was repaired, in the order seen.
    """

    def __init__(self, use_cache: bool = True, dry_run: bool = False) -> None:
        self.use_cache = use_cache
        self.dry_run = dry_run
        self.warnings: list[str] = []
        self._caches: dict[Path, Cache | CacheError] = {}

    def for_path(self, path: Path) -> Cache | None:
        """The cache serving ``path`` (``None`` with ``--no-cache``).

        Raises:
            CacheError: that cache cannot be used; the same error for each of its files.
        """
        if not self.use_cache:
            return None
        root = find_cache_root(path)
        if self.dry_run and not (root / CACHE_DIR).is_dir():
            return None
        if root not in self._caches:
            try:
                cache = Cache.open(root)
            except CacheError as exc:
                self._caches[root] = exc
            else:
                cache.read_only = cache.read_only or self.dry_run  # a dry run writes nothing
                self._note(cache.warnings)
                self._caches[root] = cache
        found = self._caches[root]
        if isinstance(found, CacheError):
            raise found
        return found

    def opened(self) -> list[Cache]:
        """The caches opened so far (not those that failed)."""
        return [c for c in self._caches.values() if not isinstance(c, CacheError)]

    def close(self, hits: int | None = None, misses: int | None = None) -> list[str]:
        """Record the run's counts (when given) in every cache, then close them all.

        Args:
            hits: Segments the caches answered in this run.
            misses: Segments the model translated in this run.

        Returns:
            Every warning, those of caches rebuilt mid-run after the earlier ones.
        """
        for cache in self.opened():
            if hits is not None and misses is not None:
                cache.record_run(hits, misses)
            self._note(cache.warnings)
            cache.close()
        self._caches.clear()
        return list(self.warnings)

    def _note(self, warnings: list[str]) -> None:
        self.warnings.extend(w for w in warnings if w not in self.warnings)
