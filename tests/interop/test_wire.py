"""AWS JSON 1.1 wire protocol (contract §1): routing, success/error shapes, validation errors,
serialization errors, body limits, and the registered-operation list."""

from __future__ import annotations

import re
import subprocess
import time

import botocore.session
import pytest
import requests

from interop_helpers import (
    AMZ_JSON,
    PASSWORD,
    UUID_RE,
    assert_wire_error,
    cognate_bin,
    raw_call,
    unique,
)

FOUNDATION_OPS = [
    "CreateUserPool", "DescribeUserPool", "ListUserPools", "UpdateUserPool", "DeleteUserPool",
    "AddCustomAttributes", "GetUserPoolMfaConfig",
    "CreateUserPoolClient", "DescribeUserPoolClient", "ListUserPoolClients", "UpdateUserPoolClient",
    "DeleteUserPoolClient",
    "SignUp", "ConfirmSignUp", "ResendConfirmationCode",
    "AdminCreateUser", "AdminConfirmSignUp", "AdminGetUser", "AdminDeleteUser", "AdminDisableUser",
    "AdminEnableUser", "AdminUpdateUserAttributes", "AdminDeleteUserAttributes", "AdminSetUserPassword",
    "AdminResetUserPassword", "ListUsers",
    "GetUser", "UpdateUserAttributes", "DeleteUserAttributes", "GetUserAttributeVerificationCode",
    "VerifyUserAttribute", "ChangePassword", "ForgotPassword", "ConfirmForgotPassword", "DeleteUser",
    "GlobalSignOut", "AdminUserGlobalSignOut", "RevokeToken",
    "CreateGroup", "GetGroup", "ListGroups", "UpdateGroup", "DeleteGroup", "AdminAddUserToGroup",
    "AdminRemoveUserFromGroup", "AdminListGroupsForUser", "ListUsersInGroup",
    "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge",
]

# Contract §2.5: tier-3 operations are not registered until they have real behaviour (those that
# have it now, such as sign-in history in test_auth_events.py, are off this list).
TIER3_OPS = [
    "AddUserPoolClientSecret", "DeleteUserPoolClientSecret", "ListUserPoolClientSecrets",
    "DescribeRiskConfiguration", "SetRiskConfiguration", "CreateManagedLoginBranding",
    "DescribeManagedLoginBranding", "UpdateManagedLoginBranding", "DeleteManagedLoginBranding",
    "DescribeManagedLoginBrandingByClient", "CreateTerms", "DescribeTerms", "UpdateTerms",
    "DeleteTerms", "ListTerms", "StartWebAuthnRegistration", "CompleteWebAuthnRegistration",
    "ListWebAuthnCredentials", "DeleteWebAuthnCredential", "GetUserAuthFactors",
    "GetLogDeliveryConfiguration", "SetLogDeliveryConfiguration",
]

VALIDATION_PREFIX = "1 validation error detected: "


def _model_ops() -> set[str]:
    return set(botocore.session.get_session().get_service_model("cognito-idp").operation_names)


def _walk_no_nulls(value, path="$"):
    if value is None:
        raise AssertionError(f"null member in response at {path}")
    if isinstance(value, dict):
        for k, v in value.items():
            _walk_no_nulls(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk_no_nulls(v, f"{path}[{i}]")


@pytest.fixture(scope="module")
def registered_ops() -> list[str]:
    out = subprocess.run([str(cognate_bin()), "operations"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"`cognate operations` exited {out.returncode}: {out.stderr[-2000:]}"
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


# --- success responses -----------------------------------------------------------------------


def test_success_response_headers_and_body(endpoint):
    r = raw_call(endpoint, "ListUserPools", {"MaxResults": 5})
    assert r.status_code == 200, r.text
    assert r.headers.get("Content-Type", "").startswith(AMZ_JSON)
    rid = r.headers.get("x-amzn-RequestId")
    assert rid and UUID_RE.match(rid.lower()), f"x-amzn-RequestId should be a UUID, got {rid!r}"
    assert r.headers.get("Date"), "Date header missing"
    body = r.json()
    assert isinstance(body.get("UserPools"), list)


def test_request_ids_are_unique(endpoint):
    ids = {raw_call(endpoint, "ListUserPools", {"MaxResults": 1}).headers.get("x-amzn-RequestId") for _ in range(5)}
    assert None not in ids and len(ids) == 5


def test_boto3_sees_request_id(cognito):
    resp = cognito.list_user_pools(MaxResults=1)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["ResponseMetadata"]["RequestId"]


def test_timestamps_are_epoch_numbers(endpoint):
    before = time.time()
    r = raw_call(endpoint, "CreateUserPool", {"PoolName": unique("wire")})
    assert r.status_code == 200, r.text
    pool = r.json()["UserPool"]
    for field in ("CreationDate", "LastModifiedDate"):
        v = pool[field]
        assert isinstance(v, (int, float)) and not isinstance(v, bool), f"{field} must be a JSON number, got {v!r}"
        assert before - 300 <= v <= time.time() + 300, f"{field}={v} is not the current epoch time in seconds"


def test_null_members_are_omitted(endpoint):
    pool = raw_call(endpoint, "CreateUserPool", {"PoolName": unique("wire")}).json()["UserPool"]
    _walk_no_nulls(pool)
    r = raw_call(endpoint, "CreateUserPoolClient", {"UserPoolId": pool["Id"], "ClientName": "c"})
    assert r.status_code == 200, r.text
    c = r.json()["UserPoolClient"]
    _walk_no_nulls(c)
    assert "ClientSecret" not in c
    d = raw_call(endpoint, "DescribeUserPool", {"UserPoolId": pool["Id"]})
    assert d.status_code == 200, d.text
    _walk_no_nulls(d.json())


def test_empty_output_is_empty_object(endpoint):
    pool = raw_call(endpoint, "CreateUserPool", {"PoolName": unique("wire")}).json()["UserPool"]
    r = raw_call(endpoint, "CreateGroup", {"UserPoolId": pool["Id"], "GroupName": "g"})
    assert r.status_code == 200, r.text
    r = raw_call(endpoint, "DeleteGroup", {"UserPoolId": pool["Id"], "GroupName": "g"})
    assert r.status_code == 200, r.text
    assert r.json() == {}
    r = raw_call(endpoint, "DeleteUserPool", {"UserPoolId": pool["Id"]})
    assert r.status_code == 200, r.text
    assert r.json() == {}


def test_application_json_content_type_is_accepted(endpoint):
    r = raw_call(endpoint, "ListUserPools", {"MaxResults": 1}, content_type="application/json")
    assert r.status_code == 200, r.text
    assert isinstance(r.json().get("UserPools"), list)


def test_public_operation_unsigned_and_signed(endpoint, pool, client):
    for sign in (False, True):
        name = unique("wire")
        r = raw_call(endpoint, "SignUp", {"ClientId": client.id, "Username": name, "Password": PASSWORD}, sign=sign)
        assert r.status_code == 200, f"sign={sign}: {r.text}"
        body = r.json()
        assert body["UserConfirmed"] is False
        assert UUID_RE.match(body["UserSub"])


# --- errors ----------------------------------------------------------------------------------


def test_unknown_operation(endpoint):
    r = raw_call(endpoint, "NoSuchOperation", {})
    body = assert_wire_error(r, "UnknownOperationException")
    assert isinstance(body, dict)


def test_wrong_target_prefix_is_unknown_operation(endpoint):
    r = raw_call(endpoint, None, {"MaxResults": 1}, target="AmazonSomethingElse.ListUserPools")
    assert_wire_error(r, "UnknownOperationException")


def test_missing_target_header_is_refused(endpoint):
    r = raw_call(endpoint, None, {"MaxResults": 1}, target="")
    assert_wire_error(r, "UnknownOperationException")


def test_error_shape_matches_aws(endpoint, pool):
    """Contract §1: `__type` + `message` in the body; x-amzn-ErrorType, x-amzn-ErrorMessage and
    x-amzn-RequestId headers; the AWS JSON content type."""
    r = raw_call(endpoint, "AdminGetUser", {"UserPoolId": pool.id, "Username": "nobody-here"})
    body = assert_wire_error(r, "UserNotFoundException")
    assert body.get("__type") == "UserNotFoundException", "send a plain name, no namespace"
    assert body.get("message") == "User does not exist."
    assert r.headers.get("x-amzn-ErrorMessage") == "User does not exist."
    assert r.headers.get("Content-Type", "").startswith(AMZ_JSON)
    assert UUID_RE.match(r.headers["x-amzn-RequestId"].lower())


def test_malformed_json_is_serialization_exception(endpoint):
    r = raw_call(endpoint, "ListUserPools", data='{"MaxResults": ')
    assert_wire_error(r, "SerializationException")
    r = raw_call(endpoint, "ListUserPools", data="not json at all")
    assert_wire_error(r, "SerializationException")


@pytest.mark.parametrize(
    "op,body",
    [
        ("ListUserPools", {"MaxResults": "ten"}),
        ("ListUserPools", {"MaxResults": [1]}),
        ("DescribeUserPool", {"UserPoolId": 12345}),
        ("DescribeUserPool", {"UserPoolId": {"nested": "object"}}),
        ("CreateUserPool", {"PoolName": "p", "AutoVerifiedAttributes": "email"}),
        ("ListUserPools", [1, 2, 3]),
    ],
    ids=["int-as-string", "int-as-list", "string-as-number", "string-as-object", "list-as-string", "array-body"],
)
def test_wrong_json_types_are_rejected(endpoint, op, body):
    r = raw_call(endpoint, op, body)
    assert r.status_code == 400, f"{op} {body!r}: HTTP {r.status_code} {r.text[:300]}"
    code = r.json().get("__type", "").split("#")[-1]
    assert code in ("SerializationException", "InvalidParameterException"), r.text
    assert r.headers.get("x-amzn-RequestId")


def test_wrong_content_type_is_refused(endpoint):
    r = raw_call(endpoint, "ListUserPools", {"MaxResults": 1}, content_type="text/plain")
    assert 400 <= r.status_code < 500, f"expected a 4xx for Content-Type text/plain, got {r.status_code}: {r.text[:300]}"
    # and the server still works
    assert raw_call(endpoint, "ListUserPools", {"MaxResults": 1}).status_code == 200


def test_missing_required_member(endpoint):
    r = raw_call(endpoint, "DescribeUserPool", {})
    body = assert_wire_error(r, "InvalidParameterException")
    assert re.fullmatch(
        r"1 validation error detected: Value null at '[uU]serPoolId' failed to satisfy constraint: "
        r"Member must not be null",
        body.get("message", ""),
    ), body


def test_missing_required_member_via_boto3_without_client_validation(cognito_nv):
    with pytest.raises(cognito_nv.exceptions.InvalidParameterException) as ei:
        cognito_nv.list_user_pools()
    msg = ei.value.response["Error"]["Message"]
    assert re.fullmatch(
        r"1 validation error detected: Value null at '[mM]axResults' failed to satisfy constraint: "
        r"Member must not be null",
        msg,
    ), msg


def test_overlong_member(endpoint):
    r = raw_call(endpoint, "CreateUserPool", {"PoolName": "p" * 129})
    body = assert_wire_error(r, "InvalidParameterException")
    msg = body.get("message", "")
    assert msg.startswith(VALIDATION_PREFIX), msg
    assert re.search(r"at '[pP]oolName' failed to satisfy constraint: Member must have length less than or equal to 128", msg), msg

    r = raw_call(endpoint, "AdminGetUser", {"UserPoolId": "us-east-1_abcdefghi", "Username": "u" * 129})
    body = assert_wire_error(r, "InvalidParameterException")
    msg = body.get("message", "")
    assert msg.startswith(VALIDATION_PREFIX), msg
    assert re.search(r"at '[uU]sername' failed to satisfy constraint: Member must have length less than or equal to 128", msg), msg


def test_number_out_of_range(endpoint):
    for value, bound in ((0, r"greater than or equal to 1"), (61, r"less than or equal to 60")):
        r = raw_call(endpoint, "ListUserPools", {"MaxResults": value})
        body = assert_wire_error(r, "InvalidParameterException")
        msg = body.get("message", "")
        assert msg.startswith(VALIDATION_PREFIX), msg
        assert re.search(r"at '[mM]axResults' failed to satisfy constraint: Member must have value " + bound, msg), msg


def test_pattern_violation(endpoint):
    r = raw_call(endpoint, "DescribeUserPool", {"UserPoolId": "no-underscore-here"})
    body = assert_wire_error(r, "InvalidParameterException")
    msg = body.get("message", "")
    assert msg.startswith(VALIDATION_PREFIX), msg
    assert re.search(r"at '[uU]serPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern", msg), msg


def test_enum_violation(endpoint, pool, client):
    r = raw_call(endpoint, "InitiateAuth", {"ClientId": client.id, "AuthFlow": "NOT_A_FLOW",
                                            "AuthParameters": {"USERNAME": "u", "PASSWORD": PASSWORD}}, sign=False)
    assert_wire_error(r, "InvalidParameterException")


def test_validation_happens_before_lookup(endpoint):
    # The pool doesn't exist, but the bad member must be reported first.
    # (An empty Username breaks both the length and the pattern constraint, so AWS reports
    # "2 validation errors detected: ...".)
    r = raw_call(endpoint, "AdminGetUser", {"UserPoolId": "us-east-1_abcdefghi", "Username": ""})
    body = assert_wire_error(r, "InvalidParameterException")
    assert re.match(r"^[1-9][0-9]* validation errors? detected: ", body.get("message", "")), body


def test_oversized_body_is_refused_and_server_survives(endpoint):
    payload = '{"PoolName": "' + ("x" * (2 * 1024 * 1024)) + '"}'
    try:
        r = raw_call(endpoint, "CreateUserPool", data=payload, timeout=30)
        assert r.status_code in (400, 413), f"a >1 MiB body must be refused, got HTTP {r.status_code}: {r.text[:200]}"
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass  # the server may answer early and close the connection instead of reading the whole body
    # Still alive and serving.
    assert requests.get(endpoint + "/health", timeout=5).status_code == 200
    assert raw_call(endpoint, "ListUserPools", {"MaxResults": 1}).status_code == 200


def test_resource_not_found_for_unknown_pool(cognito):
    from interop_helpers import expect_error

    expect_error(cognito.describe_user_pool, "ResourceNotFoundException",
                 "User pool us-east-1_zzzzzzzzz does not exist.", UserPoolId="us-east-1_zzzzzzzzz")


# --- the registered operation list -----------------------------------------------------------


def test_operations_lists_foundation_ops(registered_ops):
    assert len(registered_ops) == len(set(registered_ops)), "duplicate operation names"
    missing = sorted(set(FOUNDATION_OPS) - set(registered_ops))
    assert not missing, f"foundation operations not registered: {missing}"
    unknown = sorted(set(registered_ops) - _model_ops())
    assert not unknown, f"`cognate operations` lists names that are not Cognito operations: {unknown}"
    tier3 = sorted(set(registered_ops) & set(TIER3_OPS))
    assert not tier3, f"tier-3 operations registered (must not be stubs): {tier3}"


def test_every_registered_op_is_routed(endpoint, registered_ops):
    for op in registered_ops:
        r = raw_call(endpoint, op, {})
        assert r.status_code < 500, f"{op} with an empty body -> HTTP {r.status_code}: {r.text[:300]}"
        if r.status_code >= 400:
            code = r.json().get("__type", "")
            assert code != "UnknownOperationException", f"{op} is listed by `cognate operations` but not routed"


def test_unregistered_model_ops_are_unknown(endpoint, registered_ops):
    not_registered = sorted(_model_ops() - set(registered_ops))
    assert not_registered, "expected some operations to be unregistered in the foundation"
    for op in not_registered[:40]:
        r = raw_call(endpoint, op, {})
        assert_wire_error(r, "UnknownOperationException")
