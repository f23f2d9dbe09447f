"""User pools: create/describe/list/update/delete, custom attributes, MFA config (contract §2.1)."""

from __future__ import annotations

import datetime as dt
import re

from interop_helpers import POOL_ID_RE, expect_error, unique

STANDARD_ATTRS = {
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username",
    "profile", "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo",
    "locale", "phone_number", "phone_number_verified", "address", "updated_at",
}


def test_create_pool_defaults(cognito):
    name = unique("pool")
    pool = cognito.create_user_pool(PoolName=name)["UserPool"]
    assert POOL_ID_RE.match(pool["Id"]), pool["Id"]
    assert pool["Name"] == name
    assert re.fullmatch(rf"arn:aws:cognito-idp:us-east-1:[0-9]{{12}}:userpool/{re.escape(pool['Id'])}", pool["Arn"]), pool["Arn"]
    assert isinstance(pool["CreationDate"], dt.datetime)
    assert isinstance(pool["LastModifiedDate"], dt.datetime)
    pp = pool["Policies"]["PasswordPolicy"]
    assert pp["MinimumLength"] == 8
    assert pp["RequireUppercase"] is True
    assert pp["RequireLowercase"] is True
    assert pp["RequireNumbers"] is True
    assert pp["RequireSymbols"] is True
    assert pp["TemporaryPasswordValidityDays"] == 7
    assert pool["MfaConfiguration"] == "OFF"
    assert pool.get("DeletionProtection", "INACTIVE") == "INACTIVE"
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False


def test_pool_ids_are_unique(cognito):
    ids = {cognito.create_user_pool(PoolName=unique("pool"))["UserPool"]["Id"] for _ in range(5)}
    assert len(ids) == 5


def test_pool_id_region_follows_request_region(make_cognito):
    c = make_cognito("eu-west-2")
    pool = c.create_user_pool(PoolName=unique("pool"))["UserPool"]
    assert re.fullmatch(r"eu-west-2_[0-9A-Za-z]{9}", pool["Id"]), pool["Id"]
    assert pool["Arn"].startswith("arn:aws:cognito-idp:eu-west-2:"), pool["Arn"]


def test_describe_pool(cognito, make_pool):
    p = make_pool(
        Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": False, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": False}},
        Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}],
    )
    d = cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]
    assert d["Id"] == p.id
    assert d["Name"] == p.pool["Name"]
    assert d["Arn"] == p.pool["Arn"]
    assert d["AutoVerifiedAttributes"] == ["email"]
    pp = d["Policies"]["PasswordPolicy"]
    assert pp["MinimumLength"] == 12
    assert pp["RequireUppercase"] is False
    assert pp["RequireSymbols"] is False
    names = {a["Name"] for a in d["SchemaAttributes"]}
    assert STANDARD_ATTRS <= names, f"missing standard attributes: {STANDARD_ATTRS - names}"
    assert "custom:tier" in names
    assert d["EstimatedNumberOfUsers"] == 0


def test_estimated_number_of_users(cognito, pool):
    pool.create_user(unique("u"))
    pool.create_user(unique("u"))
    assert cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["EstimatedNumberOfUsers"] == 2


def test_describe_unknown_pool(cognito):
    expect_error(cognito.describe_user_pool, "ResourceNotFoundException",
                 "User pool us-east-1_000000000 does not exist.", UserPoolId="us-east-1_000000000")


def test_username_attributes_and_case_sensitivity_are_reported(cognito, make_pool):
    p = make_pool(UsernameAttributes=["email"], UsernameConfiguration={"CaseSensitive": False})
    d = cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]
    assert d["UsernameAttributes"] == ["email"]
    assert d["UsernameConfiguration"]["CaseSensitive"] is False


def test_invalid_password_policy_is_rejected(cognito, cognito_nv):
    expect_error(cognito_nv.create_user_pool, "InvalidParameterException",
                 PoolName=unique("pool"), Policies={"PasswordPolicy": {"MinimumLength": 5}})
    expect_error(cognito.create_user_pool, "InvalidParameterException",
                 PoolName=unique("pool"), Policies={"PasswordPolicy": {"MinimumLength": 100}})


def test_list_user_pools_pagination(cognito):
    created = {cognito.create_user_pool(PoolName=unique("page"))["UserPool"]["Id"] for _ in range(5)}
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        resp = cognito.list_user_pools(**kwargs)
        pages += 1
        assert len(resp["UserPools"]) <= 2
        for p in resp["UserPools"]:
            assert set(p) >= {"Id", "Name", "CreationDate", "LastModifiedDate"}, p
            seen.append(p["Id"])
        token = resp.get("NextToken")
        if not token:
            break
        assert pages < 10000
    assert len(seen) == len(set(seen)), "a pool appeared on two pages"
    assert created <= set(seen), f"pools missing from the listing: {created - set(seen)}"
    assert pages >= 3


def test_list_user_pools_requires_valid_max_results(cognito):
    expect_error(cognito.list_user_pools, "InvalidParameterException", MaxResults=61)


def test_deleted_pool_is_not_listed(cognito, make_pool):
    p = make_pool()
    cognito.delete_user_pool(UserPoolId=p.id)
    ids = set()
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
        ids |= {x["Id"] for x in page["UserPools"]}
    assert p.id not in ids


def test_update_user_pool(cognito, make_pool):
    p = make_pool()
    cognito.update_user_pool(
        UserPoolId=p.id,
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireUppercase": False, "RequireLowercase": False,
                                     "RequireNumbers": False, "RequireSymbols": False}},
        AutoVerifiedAttributes=["email"],
        UserPoolTags={"team": "qa"},
    )
    d = cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]
    pp = d["Policies"]["PasswordPolicy"]
    assert pp["MinimumLength"] == 10
    assert pp["RequireUppercase"] is False
    assert d["LastModifiedDate"] >= d["CreationDate"]
    # the new policy is enforced
    p.create_user(unique("u"), password="abcdefghij")


def test_update_user_pool_unset_fields_revert_to_defaults(cognito, make_pool):
    p = make_pool(Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": False,
                                                "RequireLowercase": True, "RequireNumbers": True,
                                                "RequireSymbols": False}})
    cognito.update_user_pool(UserPoolId=p.id, AutoVerifiedAttributes=["email"])
    pp = cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]["Policies"]["PasswordPolicy"]
    assert pp["MinimumLength"] == 8
    assert pp["RequireUppercase"] is True
    assert pp["RequireSymbols"] is True


def test_update_unknown_pool(cognito):
    expect_error(cognito.update_user_pool, "ResourceNotFoundException", UserPoolId="us-east-1_000000000")


def test_delete_user_pool(cognito, make_pool):
    p = make_pool()
    assert cognito.delete_user_pool(UserPoolId=p.id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    expect_error(cognito.describe_user_pool, "ResourceNotFoundException",
                 f"User pool {p.id} does not exist.", UserPoolId=p.id)
    expect_error(cognito.delete_user_pool, "ResourceNotFoundException", UserPoolId=p.id)


def test_deleting_a_pool_removes_its_clients_and_users(cognito, make_pool):
    p = make_pool()
    c = p.client()
    p.create_user("someone")
    cognito.delete_user_pool(UserPoolId=p.id)
    expect_error(cognito.sign_up, "ResourceNotFoundException", ClientId=c.id, Username="x", Password="Passw0rd!ok")
    expect_error(cognito.admin_get_user, "ResourceNotFoundException", UserPoolId=p.id, Username="someone")


def test_deletion_protection(cognito, make_pool):
    p = make_pool(DeletionProtection="ACTIVE")
    assert cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]["DeletionProtection"] == "ACTIVE"
    expect_error(cognito.delete_user_pool, "InvalidParameterException", UserPoolId=p.id)
    assert cognito.describe_user_pool(UserPoolId=p.id)["UserPool"]["Id"] == p.id
    cognito.update_user_pool(UserPoolId=p.id, DeletionProtection="INACTIVE", AutoVerifiedAttributes=["email"])
    cognito.delete_user_pool(UserPoolId=p.id)
    expect_error(cognito.describe_user_pool, "ResourceNotFoundException", UserPoolId=p.id)


def test_add_custom_attributes(cognito, pool):
    cognito.add_custom_attributes(
        UserPoolId=pool.id,
        CustomAttributes=[
            {"Name": "tier", "AttributeDataType": "String", "Mutable": True,
             "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "20"}},
            {"Name": "level", "AttributeDataType": "Number", "Mutable": True},
        ],
    )
    schema = {a["Name"]: a for a in cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["SchemaAttributes"]}
    assert schema["custom:tier"]["AttributeDataType"] == "String"
    assert schema["custom:level"]["AttributeDataType"] == "Number"
    # usable right away
    user = pool.create_user(unique("u"), attrs={"custom:tier": "gold", "custom:level": "3"})
    attrs = pool.attrs(user)
    assert attrs["custom:tier"] == "gold"
    assert attrs["custom:level"] == "3"


def test_add_custom_attribute_twice_is_rejected(cognito, pool):
    cognito.add_custom_attributes(UserPoolId=pool.id, CustomAttributes=[{"Name": "dup", "AttributeDataType": "String"}])
    expect_error(cognito.add_custom_attributes, "InvalidParameterException",
                 UserPoolId=pool.id, CustomAttributes=[{"Name": "dup", "AttributeDataType": "String"}])


def test_custom_attribute_name_too_long(cognito, pool):
    expect_error(cognito.add_custom_attributes, "InvalidParameterException",
                 UserPoolId=pool.id, CustomAttributes=[{"Name": "x" * 21, "AttributeDataType": "String"}])


def test_add_custom_attributes_unknown_pool(cognito):
    expect_error(cognito.add_custom_attributes, "ResourceNotFoundException", UserPoolId="us-east-1_000000000",
                 CustomAttributes=[{"Name": "a", "AttributeDataType": "String"}])


def test_get_user_pool_mfa_config(cognito, pool):
    resp = cognito.get_user_pool_mfa_config(UserPoolId=pool.id)
    assert resp["MfaConfiguration"] == "OFF"
    expect_error(cognito.get_user_pool_mfa_config, "ResourceNotFoundException", UserPoolId="us-east-1_000000000")


def test_create_pool_requires_name(endpoint):
    from interop_helpers import assert_wire_error, raw_call

    body = assert_wire_error(raw_call(endpoint, "CreateUserPool", {}), "InvalidParameterException")
    assert re.search(r"'[pP]oolName'.*Member must not be null", body["message"]), body
