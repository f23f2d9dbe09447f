"""The hosted-UI management operations through boto3, discovery, and pool domains picked by the
real Host header."""

from __future__ import annotations

import base64

import pytest
import requests
from botocore.exceptions import ClientError

from hosted_helpers import photos_client, photos_pool
from interop_helpers import unique

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_domains_resource_servers_and_branding_through_boto3(cognito, endpoint):
    pool = photos_pool(cognito)
    prefix = unique("ph")
    assert cognito.create_user_pool_domain(UserPoolId=pool["Id"], Domain=prefix)["ManagedLoginVersion"] == 1
    assert cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["Domain"] == prefix
    d = cognito.describe_user_pool_domain(Domain=prefix)["DomainDescription"]
    assert d["UserPoolId"] == pool["Id"] and d["Status"] == "ACTIVE"
    assert cognito.describe_user_pool_domain(Domain=unique("none"))["DomainDescription"] == {}
    with pytest.raises(ClientError) as e:
        cognito.create_user_pool_domain(UserPoolId=pool["Id"], Domain="has-aws-in-it")
    assert e.value.response["Error"]["Code"] == "InvalidParameterException"

    rs = cognito.create_resource_server(UserPoolId=pool["Id"], Identifier="photos", Name="Photos API",
                                        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read photos"}])["ResourceServer"]
    assert rs["Identifier"] == "photos"
    assert [s["Identifier"] for s in cognito.list_resource_servers(UserPoolId=pool["Id"], MaxResults=10)["ResourceServers"]] == ["photos"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="svc", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["photos/read"])["UserPoolClient"]
    r = requests.post(endpoint + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                      data={"grant_type": "client_credentials", "scope": "photos/read"})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"access_token", "token_type", "expires_in"}

    ui = cognito.set_ui_customization(UserPoolId=pool["Id"], CSS=".banner-customizable { background: #234; }", ImageFile=PNG)["UICustomization"]
    assert ui["ClientId"] == "ALL" and ui["ImageUrl"].startswith(endpoint + "/logo/")
    logo = requests.get(ui["ImageUrl"])
    assert logo.status_code == 200 and logo.headers["Content-Type"] == "image/png" and logo.content == PNG
    assert cognito.get_ui_customization(UserPoolId=pool["Id"])["UICustomization"]["CSS"].startswith(".banner")

    cognito.delete_user_pool_domain(UserPoolId=pool["Id"], Domain=prefix)
    cognito.delete_resource_server(UserPoolId=pool["Id"], Identifier="photos")


def test_discovery_points_at_endpoints_that_answer(cognito, endpoint):
    pool = photos_pool(cognito)
    doc = requests.get(f"{endpoint}/{pool['Id']}/.well-known/openid-configuration").json()
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint", "end_session_endpoint"):
        assert doc[key].startswith(endpoint + "/"), key
    assert requests.post(doc["token_endpoint"], data={}).json()["error"] == "invalid_request"
    assert requests.get(doc["userinfo_endpoint"]).status_code == 400
    assert requests.get(doc["authorization_endpoint"], allow_redirects=False).status_code == 400


def test_a_pool_domain_serves_only_its_own_pool(cognito, endpoint):
    prefix = unique("dom")
    pool = photos_pool(cognito, domain=prefix)
    other = photos_pool(cognito)
    base = "http://localhost:5000"
    mine = photos_client(cognito, pool["Id"], base)
    theirs = photos_client(cognito, other["Id"], base)
    params = {"response_type": "code", "redirect_uri": base + "/callback", "state": "x"}
    host = {"Host": f"{prefix}.auth.localhost"}
    assert requests.get(endpoint + "/login", params={**params, "client_id": mine["ClientId"]}, headers=host).status_code == 200
    foreign = requests.get(endpoint + "/login", params={**params, "client_id": theirs["ClientId"]}, headers=host, allow_redirects=False)
    assert foreign.status_code == 404 and "Location" not in foreign.headers
    missing = requests.get(endpoint + "/login", params={**params, "client_id": mine["ClientId"]},
                           headers={"Host": f"{unique('no')}.auth.localhost"})
    assert missing.status_code == 404
    # The public URL serves both.
    assert requests.get(endpoint + "/login", params={**params, "client_id": theirs["ClientId"]}).status_code == 200
