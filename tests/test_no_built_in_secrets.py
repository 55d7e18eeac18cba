"""No secret is committed in the code that runs: the services and plumbing carry no key, password or
development fallback (deployments and the local runner provide them; see README "Operating it")."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the built-in secrets looked like, and what such fallbacks are usually called.
BUILT_IN = re.compile(r"dev-only-secret|_DEVELOPMENT_KEY|change-me")
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/]{16}")


def test_no_service_or_library_source_holds_a_built_in_secret():
    sources = [*ROOT.glob("lib/*/src/**/*.py"), *ROOT.glob("services/*/src/**/*.py")]
    assert sources
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sources
             for number, line in enumerate(path.read_text().splitlines(), 1) if BUILT_IN.search(line)]
    found += [str(path.relative_to(ROOT)) for path in sources if PRIVATE_KEY.search(path.read_text())]
    assert found == []
