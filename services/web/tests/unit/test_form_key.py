"""The key that signs the CSRF tokens of the forms shown before sign-in is a random key of the deployment's own: a
placeholder, a password or a short key is refused when the app starts, by the variable's name."""

import pytest
from plumbing.settings import new_secret_key
from pydantic import ValidationError
from web.config import WebSettings


@pytest.mark.parametrize("key", ["REPLACE-key", "hunter2", "c2hvcnQ=", "not base64 at all!"])
def test_a_form_key_that_is_not_32_random_bytes_in_url_safe_base64_is_refused_naming_it(key):
    with pytest.raises(ValidationError, match="WEB_FORM_KEY must be at least 32 random bytes") as refused:
        WebSettings.offline(form_key=key)
    assert key not in str(refused.value), "the key is never shown"


def test_a_generated_form_key_is_taken():
    key = new_secret_key()
    assert WebSettings.offline(form_key=key).form_key.get_secret_value() == key
