"""The README that subscribing teams read lists exactly the public topics of the catalogue."""

import re
from pathlib import Path

from mentorship_contracts import CATALOGUE, Classification

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lists_every_public_topic_with_its_key_and_no_other():
    rows = dict(re.findall(r"^\| `([a-z.-]+)` \| `([a-z_]+)` \|", README.read_text(), flags=re.MULTILINE))
    public = {t.name: t.key for t in CATALOGUE if t.classification is Classification.PUBLIC}
    assert rows == public
