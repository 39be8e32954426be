"""An existing LibreTranslate client from PyPI, unchanged, against ``translate serve``."""

from __future__ import annotations

from pathlib import Path
from urllib.error import HTTPError

import pytest
from libretranslatepy import LibreTranslateAPI

from tests.serve_helpers import serving
from tests.system_tools import require_program

pytestmark = pytest.mark.slow


def test_libretranslatepy_translates_detects_and_lists(tmp_path: Path) -> None:
    require_program("apertium", "apertium apertium-cat-ita apertium-eng-cat")
    with serving(tmp_path, "--engine", "apertium", "--api-key", "s3cret") as server:
        client = LibreTranslateAPI(server.url, api_key="s3cret")
        english = client.translate("Il governo ha approvato la legge di bilancio.", "it", "en")
        assert "approved" in english and "governo" not in english
        auto = client.translate("Gli studenti hanno manifestato davanti al ministero.",
                                "auto", "en")
        assert "students" in auto.lower()
        assert client.detect("Il sindaco di Milano ha presentato il nuovo piano per la "
                             "mobilità sostenibile.")[0]["language"] == "it"
        languages = {lang["code"]: lang["targets"] for lang in client.languages()}
        assert "en" in languages["it"]
        with pytest.raises(HTTPError) as refused:
            LibreTranslateAPI(server.url).translate("Ciao a tutti.", "it", "en")
        assert refused.value.code == 403
