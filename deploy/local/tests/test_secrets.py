"""The runner's secrets: the private key that signs tokens goes to the one service whose settings require it (the
web app), as the key pair's, never a key generated for it; every other service gets the public key only."""

from devinfra.secrets import PlatformSecrets, compose_env


def test_the_web_app_alone_is_given_the_private_key_of_the_pair():
    secrets = PlatformSecrets.generate(["web", "profiles"])
    web, profiles = secrets.environment("web"), secrets.environment("profiles")
    assert web["JWT_PRIVATE_KEY"] == secrets.jwt_private_key and web["JWT_PUBLIC_KEY"] == secrets.jwt_public_key
    assert "JWT_PRIVATE_KEY" not in profiles and "JWT_PRIVATE_KEY" not in secrets.service_keys.get("web", {})
    assert set(secrets.service_keys["web"]) == {"WEB_FORM_KEY"}
    assert "JWT_PRIVATE_KEY=" in compose_env(secrets, [])


def test_profiles_trusts_the_public_keys_of_the_services_that_read_data_keys_and_they_alone_hold_the_private_ones():
    from plumbing import auth
    from plumbing.personal_data import parse_readers, private_pem

    secrets = PlatformSecrets.generate(["profiles", "matching", "events", "notifications", "web"])
    readers = parse_readers(secrets.environment("profiles")["PROFILES_DATA_KEY_READERS"])
    assert set(readers) == {"matching", "events", "notifications"}
    for reader in readers:
        seed = secrets.environment(reader)[f"{reader.upper()}_SERVICE_KEY"]
        token = auth.mint(private_pem(seed), audience="profiles", role="service", subject=reader)
        assert auth.verify(readers[reader], token, audience="profiles").subject == reader
    assert "_SERVICE_KEY" not in " ".join(secrets.environment("profiles")) + " ".join(secrets.environment("web"))
    assert "PROFILES_DATA_KEY_READERS=" in compose_env(secrets, [])
    assert not secrets.cover([], ["profiles", "matching", "events", "notifications", "web"])  # stable once made
