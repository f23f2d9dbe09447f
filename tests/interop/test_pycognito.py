"""pycognito (unmodified) against the server: ADMIN_NO_SRP_AUTH, token verification via the JWKS
and issuer it derives from endpoint_url, refresh, profile updates, sign-out (contract §5, §9)."""

from __future__ import annotations

import pytest
from pycognito import Cognito

from interop_helpers import NEW_PASSWORD, PASSWORD, unique_email


def _cog(endpoint, pool, client, username=None, **kw):
    return Cognito(
        pool.id, client.id, username=username, client_secret=client.secret,
        boto3_client_kwargs={"endpoint_url": endpoint, "aws_access_key_id": "x", "aws_secret_access_key": "x"},
        **kw,
    )


@pytest.mark.parametrize("secret", [False, True], ids=["public-client", "secret-client"])
def test_pycognito_admin_authenticate(endpoint, pool, secret):
    client = pool.client(secret=secret)
    email = unique_email()
    pool.create_user("pyc", email=email, attrs={"given_name": "Py"})
    u = _cog(endpoint, pool, client, "pyc")
    u.admin_authenticate(PASSWORD)  # verifies both tokens against {endpoint}/{pool}/.well-known/jwks.json
    assert u.id_claims["cognito:username"] == "pyc"
    assert u.id_claims["email"] == email
    assert u.access_claims["username"] == "pyc"
    assert u.refresh_token

    user = u.get_user()
    assert user.username == "pyc"
    assert user.email == email

    old_access = u.access_token
    u.renew_access_token()  # REFRESH_TOKEN_AUTH, re-verified by pycognito
    assert u.access_token != old_access
    assert u.access_claims["username"] == "pyc"

    u.update_profile({"given_name": "Python"})
    assert pool.attrs("pyc")["given_name"] == "Python"

    u.change_password(PASSWORD, NEW_PASSWORD)
    u2 = _cog(endpoint, pool, client, "pyc")
    u2.admin_authenticate(NEW_PASSWORD)

    access = u2.access_token
    u2.logout()  # GlobalSignOut
    with pytest.raises(pool.cognito.exceptions.NotAuthorizedException):
        pool.cognito.get_user(AccessToken=access)


def test_pycognito_register_and_confirm(endpoint, pool, outbox):
    client = pool.client()
    u = _cog(endpoint, pool, client)
    email = unique_email()
    u.set_base_attributes(email=email)
    u.register("pyreg", PASSWORD)
    code = outbox.latest_code(pool.id, "pyreg", "SignUp")
    u.confirm_sign_up(code, username="pyreg")
    assert pool.status("pyreg") == "CONFIRMED"
    v = _cog(endpoint, pool, client, "pyreg")
    v.admin_authenticate(PASSWORD)
    assert v.id_claims["email_verified"] is True
