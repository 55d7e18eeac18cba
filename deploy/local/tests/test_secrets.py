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
