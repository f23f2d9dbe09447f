import CognateCore

extension ActionRegistry {
    /// Every operation Cognate implements, and nothing else (docs/compatibility.md is generated from this).
    public static let cognate: ActionRegistry = {
        var r = ActionRegistry()
        // Pools
        r.register("CreateUserPool", Cognate.createUserPool)
        r.register("DescribeUserPool", Cognate.describeUserPool)
        r.register("UpdateUserPool", Cognate.updateUserPool)
        r.register("DeleteUserPool", Cognate.deleteUserPool)
        r.register("ListUserPools", Cognate.listUserPools)
        r.register("AddCustomAttributes", Cognate.addCustomAttributes)
        r.register("GetUserPoolMfaConfig", Cognate.getUserPoolMfaConfig)
        // App clients
        r.register("CreateUserPoolClient", Cognate.createUserPoolClient)
        r.register("DescribeUserPoolClient", Cognate.describeUserPoolClient)
        r.register("UpdateUserPoolClient", Cognate.updateUserPoolClient)
        r.register("DeleteUserPoolClient", Cognate.deleteUserPoolClient)
        r.register("ListUserPoolClients", Cognate.listUserPoolClients)
        // Sign-up and recovery
        r.register("SignUp", Cognate.signUp)
        r.register("ConfirmSignUp", Cognate.confirmSignUp)
        r.register("ResendConfirmationCode", Cognate.resendConfirmationCode)
        r.register("ForgotPassword", Cognate.forgotPassword)
        r.register("ConfirmForgotPassword", Cognate.confirmForgotPassword)
        // Administration of users
        r.register("AdminCreateUser", Cognate.adminCreateUser)
        r.register("AdminConfirmSignUp", Cognate.adminConfirmSignUp)
        r.register("AdminGetUser", Cognate.adminGetUser)
        r.register("AdminDeleteUser", Cognate.adminDeleteUser)
        r.register("AdminDisableUser", Cognate.adminDisableUser)
        r.register("AdminEnableUser", Cognate.adminEnableUser)
        r.register("AdminUpdateUserAttributes", Cognate.adminUpdateUserAttributes)
        r.register("AdminDeleteUserAttributes", Cognate.adminDeleteUserAttributes)
        r.register("AdminSetUserPassword", Cognate.adminSetUserPassword)
        r.register("AdminResetUserPassword", Cognate.adminResetUserPassword)
        r.register("AdminUserGlobalSignOut", Cognate.adminUserGlobalSignOut)
        r.register("ListUsers", Cognate.listUsers)
        // Self-service with an access token
        r.register("GetUser", Cognate.getUser)
        r.register("UpdateUserAttributes", Cognate.updateUserAttributes)
        r.register("DeleteUserAttributes", Cognate.deleteUserAttributes)
        r.register("GetUserAttributeVerificationCode", Cognate.getUserAttributeVerificationCode)
        r.register("VerifyUserAttribute", Cognate.verifyUserAttribute)
        r.register("ChangePassword", Cognate.changePassword)
        r.register("DeleteUser", Cognate.deleteUser)
        r.register("GlobalSignOut", Cognate.globalSignOut)
        r.register("RevokeToken", Cognate.revokeToken)
        // Groups
        r.register("CreateGroup", Cognate.createGroup)
        r.register("GetGroup", Cognate.getGroup)
        r.register("UpdateGroup", Cognate.updateGroup)
        r.register("DeleteGroup", Cognate.deleteGroup)
        r.register("ListGroups", Cognate.listGroups)
        r.register("AdminAddUserToGroup", Cognate.adminAddUserToGroup)
        r.register("AdminRemoveUserFromGroup", Cognate.adminRemoveUserFromGroup)
        r.register("AdminListGroupsForUser", Cognate.adminListGroupsForUser)
        r.register("ListUsersInGroup", Cognate.listUsersInGroup)
        // Domains, resource servers and hosted-UI branding
        r.register("CreateUserPoolDomain", Cognate.createUserPoolDomain)
        r.register("DescribeUserPoolDomain", Cognate.describeUserPoolDomain)
        r.register("UpdateUserPoolDomain", Cognate.updateUserPoolDomain)
        r.register("DeleteUserPoolDomain", Cognate.deleteUserPoolDomain)
        r.register("CreateResourceServer", Cognate.createResourceServer)
        r.register("DescribeResourceServer", Cognate.describeResourceServer)
        r.register("UpdateResourceServer", Cognate.updateResourceServer)
        r.register("DeleteResourceServer", Cognate.deleteResourceServer)
        r.register("ListResourceServers", Cognate.listResourceServers)
        r.register("SetUICustomization", Cognate.setUICustomization)
        r.register("GetUICustomization", Cognate.getUICustomization)
        // Sign-in
        r.register("InitiateAuth", Cognate.initiateAuth)
        r.register("AdminInitiateAuth", Cognate.adminInitiateAuth)
        r.register("RespondToAuthChallenge", Cognate.respondToAuthChallenge)
        r.register("AdminRespondToAuthChallenge", Cognate.adminRespondToAuthChallenge)
        return r
    }()
}
