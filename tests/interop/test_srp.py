"""USER_SRP_AUTH against real SRP clients: pycognito (Cognito.authenticate, AWSSRP), warrant-lite,
with and without a client secret, by username and by email alias; the refusals of step two; and
a challenge issued by one process answered at another process on the same database."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP, calculate_u, compute_hkdf, hex_to_long, long_to_hex, pad_hex
from warrant_lite import WarrantLite

from interop_helpers import PASSWORD, make_boto_client, unique


def srp_client(pool, client, username, password, cognito):
    return AWSSRP(username=username, password=password, pool_id=pool.id, client_id=client.id,
                  client=cognito, client_secret=client.secret)


def expect_not_authorized(exc_info):
    err = exc_info.value.response["Error"]
    assert err["Code"] == "NotAuthorizedException"
    assert err["Message"] == "Incorrect username or password."


@pytest.mark.parametrize("with_secret", [False, True], ids=["public-client", "secret-client"])
def test_pycognito_authenticate_verifies_tokens(endpoint, make_pool, with_secret):
    pool = make_pool()
    client = pool.client(secret=with_secret)
    name = unique("srp")
    pool.create_user(name, email=f"{name}@example.com")
    u = Cognito(pool.id, client.id, username=name, client_secret=client.secret,
                boto3_client_kwargs={"endpoint_url": endpoint, "region_name": "us-east-1",
                                     "aws_access_key_id": "x", "aws_secret_access_key": "x"})
    u.authenticate(password=PASSWORD)  # pycognito verifies both tokens against the pool's JWKS
    assert u.id_claims["cognito:username"] == name
    assert u.access_claims["username"] == name
    assert u.get_user().username == name


def test_pycognito_by_email_alias_gets_real_username(endpoint, make_pool, cognito):
    pool = make_pool(AliasAttributes=["email"])
    client = pool.client()
    name = unique("alias")
    email = f"{name}@example.com"
    pool.create_user(name, email=email)
    aws = srp_client(pool, client, email, PASSWORD, cognito)
    start = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters=aws.get_auth_params())
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in start
    assert start["ChallengeParameters"]["USER_ID_FOR_SRP"] == name
    assert start["ChallengeParameters"]["USERNAME"] == name
    tokens = aws.authenticate_user()
    claims = jwt.decode(tokens["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
    assert claims["cognito:username"] == name


def test_email_as_username_pool_uses_the_uuid(endpoint, make_pool, cognito):
    pool = make_pool(UsernameAttributes=["email"])
    client = pool.client(secret=True)
    email = f"{unique('u')}@example.com"
    stored = pool.create_user(email, email=email)
    aws = srp_client(pool, client, email, PASSWORD, cognito)
    tokens = aws.authenticate_user()
    claims = jwt.decode(tokens["AuthenticationResult"]["AccessToken"], options={"verify_signature": False})
    assert claims["username"] == stored
    assert claims["sub"] == stored


def test_warrant_lite(make_pool, cognito):
    pool = make_pool()
    client = pool.client(secret=True)
    name = unique("warrant")
    pool.create_user(name)
    wl = WarrantLite(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id,
                     client=cognito, client_secret=client.secret)
    tokens = wl.authenticate_user()
    assert tokens["AuthenticationResult"]["TokenType"] == "Bearer"
    with pytest.raises(ClientError) as e:
        WarrantLite(username=name, password="Wrong-pass1!", pool_id=pool.id, client_id=client.id,
                    client=cognito, client_secret=client.secret).authenticate_user()
    expect_not_authorized(e)


def test_wrong_password_is_refused(make_pool, cognito):
    pool = make_pool()
    client = pool.client()
    name = unique("bad")
    pool.create_user(name)
    with pytest.raises(ClientError) as e:
        srp_client(pool, client, name, "Not-the-pass1!", cognito).authenticate_user()
    expect_not_authorized(e)


def _challenge(pool, client, name, cognito):
    aws = srp_client(pool, client, name, PASSWORD, cognito)
    start = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters=aws.get_auth_params())
    return aws, start["ChallengeParameters"]


def test_step_two_refusals(make_pool, cognito):
    pool = make_pool()
    client = pool.client()
    name = unique("refuse")
    pool.create_user(name)

    # A ≡ 0 mod N: the client could force S = 0.
    n_hex = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff"
    for bad_a in ["0", n_hex]:
        # Refused at InitiateAuth or, at the latest, at RespondToAuthChallenge.
        try:
            start = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH",
                                          AuthParameters={"USERNAME": name, "SRP_A": bad_a})
        except ClientError as e:
            assert e.response["Error"]["Code"] == "NotAuthorizedException"
            continue
        p = start["ChallengeParameters"]
        now = dt.datetime.now(dt.timezone.utc)
        ts = f"{now:%a %b} {now.day} {now:%H:%M:%S} UTC {now.year}"
        # What an attacker signs when A ≡ 0 makes S = 0 whatever the password.
        u = calculate_u(int(bad_a, 16), hex_to_long(p["SRP_B"]))
        key = compute_hkdf(bytearray.fromhex(pad_hex(0)), bytearray.fromhex(pad_hex(long_to_hex(u))))
        msg = (pool.id.split("_")[1] + p["USER_ID_FOR_SRP"]).encode() + base64.b64decode(p["SECRET_BLOCK"]) + ts.encode()
        forged = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
        with pytest.raises(ClientError) as e:
            cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses={
                "USERNAME": name, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
                "PASSWORD_CLAIM_SIGNATURE": forged})
        expect_not_authorized(e)

    # Malformed hex in SRP_A.
    with pytest.raises(ClientError) as e:
        cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": name, "SRP_A": "xyz"})
    expect_not_authorized(e)

    # A secret block from another user of the pool.
    other = unique("other")
    pool.create_user(other)
    aws, params = _challenge(pool, client, name, cognito)
    _, other_params = _challenge(pool, client, other, cognito)
    answer = aws.process_challenge(dict(params, SECRET_BLOCK=other_params["SECRET_BLOCK"]), {"USERNAME": name})
    with pytest.raises(ClientError) as e:
        cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    expect_not_authorized(e)

    # A secret block from another pool with a user of the same name.
    pool2 = make_pool()
    client2 = pool2.client()
    pool2.create_user(name)
    _, foreign = _challenge(pool2, client2, name, cognito)
    aws, params = _challenge(pool, client, name, cognito)
    answer = aws.process_challenge(dict(params, SECRET_BLOCK=foreign["SECRET_BLOCK"]), {"USERNAME": name})
    with pytest.raises(ClientError) as e:
        cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    expect_not_authorized(e)

    # A timestamp far from the server's clock (signed correctly for that timestamp).
    aws, params = _challenge(pool, client, name, cognito)
    answer = aws.process_challenge(params, {"USERNAME": name})
    old = dt.datetime(2020, 1, 7, 3, 4, 5, tzinfo=dt.timezone.utc)
    stale_ts = f"{old:%a %b} {old.day} {old:%H:%M:%S} UTC {old.year}"
    answer_stale = _resign(aws, params, name, stale_ts)
    with pytest.raises(ClientError) as e:
        cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer_stale)
    expect_not_authorized(e)

    # A zero-padded day or a wrong weekday is refused as AWS does (incorrect credentials);
    # a timestamp not in the format at all is an invalid parameter.
    for stamp, code in (("Tue Nov 03 09:05:07 UTC 2026", "NotAuthorizedException"),
                        ("Wed Nov 3 09:05:07 UTC 2026", "NotAuthorizedException"),
                        ("Di Nov 3 09:05:07 UTC 2026", "InvalidParameterException")):
        aws, params = _challenge(pool, client, name, cognito)
        answer = aws.process_challenge(params, {"USERNAME": name})
        answer["TIMESTAMP"] = stamp
        with pytest.raises(ClientError) as e:
            cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
        assert e.value.response["Error"]["Code"] == code, stamp
        if code == "NotAuthorizedException":
            assert e.value.response["Error"]["Message"] == "Incorrect username or password."

    # A good answer works once; replaying it is refused.
    aws, params = _challenge(pool, client, name, cognito)
    answer = aws.process_challenge(params, {"USERNAME": name})
    ok = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    assert "AuthenticationResult" in ok
    with pytest.raises(ClientError) as e:
        cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    expect_not_authorized(e)


def _resign(aws: AWSSRP, params: dict, name: str, timestamp: str) -> dict:
    """pycognito's process_challenge with a chosen TIMESTAMP."""
    import hashlib
    import hmac as _hmac
    from pycognito.aws_srp import hex_to_long, long_to_hex

    user_id = params["USER_ID_FOR_SRP"]
    hkdf = aws.get_password_authentication_key(user_id, aws.password, hex_to_long(params["SRP_B"]), params["SALT"])
    msg = (bytearray(aws.pool_id.split("_")[1], "utf-8") + bytearray(user_id, "utf-8")
           + bytearray(base64.standard_b64decode(params["SECRET_BLOCK"])) + bytearray(timestamp, "utf-8"))
    sig = base64.standard_b64encode(_hmac.new(hkdf, msg, digestmod=hashlib.sha256).digest()).decode()
    return {"TIMESTAMP": timestamp, "USERNAME": name, "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": sig}


def test_force_change_password_user_gets_new_password_required(make_pool, cognito):
    pool = make_pool()
    client = pool.client()
    name = unique("fcp")
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, TemporaryPassword="Temp-Pass1!", MessageAction="SUPPRESS")
    aws = srp_client(pool, client, name, "Temp-Pass1!", cognito)
    start = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters=aws.get_auth_params())
    answer = aws.process_challenge(start["ChallengeParameters"], {"USERNAME": name})
    step = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    assert step["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in step
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=step["Session"],
                                             ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": PASSWORD})
    assert "IdToken" in done["AuthenticationResult"]
    assert srp_client(pool, client, name, PASSWORD, cognito).authenticate_user()["AuthenticationResult"]["AccessToken"]


def test_challenge_answered_by_another_process_on_the_same_database(server_factory, tmp_path):
    data = tmp_path / "shared"
    # Same data dir: same SQLite file and master key. Nodes behind one address share a public URL.
    shared = ["--public-url", "http://cognate.example"]
    first = server_factory(data_dir=data, extra_args=shared)
    second = server_factory(data_dir=data, extra_args=shared)
    a, b = make_boto_client(first.endpoint), make_boto_client(second.endpoint)
    pool_id = a.create_user_pool(PoolName=unique("shared"))["UserPool"]["Id"]
    client_id = a.create_user_pool_client(UserPoolId=pool_id, ClientName="c",
                                          ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    a.admin_create_user(UserPoolId=pool_id, Username="node-user", MessageAction="SUPPRESS")
    a.admin_set_user_password(UserPoolId=pool_id, Username="node-user", Password=PASSWORD, Permanent=True)

    aws = AWSSRP(username="node-user", password=PASSWORD, pool_id=pool_id, client_id=client_id, client=a)
    start = a.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=aws.get_auth_params())
    answer = aws.process_challenge(start["ChallengeParameters"], {"USERNAME": "node-user"})
    tokens = b.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    access = tokens["AuthenticationResult"]["AccessToken"]
    # Either node serves the user's requests with those tokens, and both publish the same keys.
    assert a.get_user(AccessToken=access)["Username"] == "node-user"
    assert b.get_user(AccessToken=access)["Username"] == "node-user"
