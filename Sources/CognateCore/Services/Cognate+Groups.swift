import CognitoModel

extension Cognate {
    public func createGroup(_ input: CreateGroupRequest, _ ctx: CallContext) async throws -> CreateGroupResponse {
        let pool = try await requirePool(input.userPoolId)
        let t = now
        let group = GroupType(
            groupName: input.groupName, userPoolId: pool.id, description: input.description, roleArn: input.roleArn,
            precedence: input.precedence, lastModifiedDate: t, creationDate: t
        )
        do {
            try await store.createGroup(group)
        } catch StoreConflict.alreadyExists {
            throw CognitoError.groupExists
        }
        return CreateGroupResponse(group: group)
    }

    public func getGroup(_ input: GetGroupRequest, _ ctx: CallContext) async throws -> GetGroupResponse {
        _ = try await requirePool(input.userPoolId)
        return GetGroupResponse(group: try await requireGroup(input.userPoolId, input.groupName))
    }

    public func updateGroup(_ input: UpdateGroupRequest, _ ctx: CallContext) async throws -> UpdateGroupResponse {
        _ = try await requirePool(input.userPoolId)
        _ = try await requireGroup(input.userPoolId, input.groupName)
        let t = now
        let group = try await store.updateGroup(poolId: input.userPoolId, name: input.groupName) { g in
            if let d = input.description { g.description = d }
            if let r = input.roleArn { g.roleArn = r }
            if let p = input.precedence { g.precedence = p }
            g.lastModifiedDate = t
        }
        return UpdateGroupResponse(group: group)
    }

    public func deleteGroup(_ input: DeleteGroupRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        _ = try await requirePool(input.userPoolId)
        _ = try await requireGroup(input.userPoolId, input.groupName)
        try await store.deleteGroup(poolId: input.userPoolId, name: input.groupName)
        return EmptyResponse()
    }

    public func listGroups(_ input: ListGroupsRequest, _ ctx: CallContext) async throws -> ListGroupsResponse {
        _ = try await requirePool(input.userPoolId)
        let limit = (input.limit ?? 0) == 0 ? 60 : input.limit!
        let kind = "groups:" + input.userPoolId
        let after = try input.nextToken.map { try PageToken.decode($0, kind: kind) }
        let groups = try await store.listGroups(poolId: input.userPoolId, after: after, limit: limit + 1)
        let page = Array(groups.prefix(limit))
        return ListGroupsResponse(groups: page, nextToken: groups.count > limit ? page.last.map { PageToken.encode($0.groupName ?? "", kind: kind) } : nil)
    }

    public func adminAddUserToGroup(_ input: AdminAddUserToGroupRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireGroup(pool.id, input.groupName)
        let user = try await requireUser(pool, input.username)
        try await store.addMember(poolId: pool.id, group: input.groupName, username: user.username)
        return EmptyResponse()
    }

    public func adminRemoveUserFromGroup(_ input: AdminRemoveUserFromGroupRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireGroup(pool.id, input.groupName)
        let user = try await requireUser(pool, input.username)
        try await store.removeMember(poolId: pool.id, group: input.groupName, username: user.username)
        return EmptyResponse()
    }

    public func adminListGroupsForUser(_ input: AdminListGroupsForUserRequest, _ ctx: CallContext) async throws -> AdminListGroupsForUserResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        let all = try await store.groups(poolId: pool.id, username: user.username)
        let limit = (input.limit ?? 0) == 0 ? 60 : input.limit!
        let kind = "usergroups:" + pool.id + ":" + user.username
        let after = try input.nextToken.map { try PageToken.decode($0, kind: kind) }
        let rest = all.filter { after == nil || ($0.groupName ?? "") > after! }
        let page = Array(rest.prefix(limit))
        return AdminListGroupsForUserResponse(groups: page, nextToken: rest.count > limit ? page.last.map { PageToken.encode($0.groupName ?? "", kind: kind) } : nil)
    }

    public func listUsersInGroup(_ input: ListUsersInGroupRequest, _ ctx: CallContext) async throws -> ListUsersInGroupResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireGroup(pool.id, input.groupName)
        let limit = (input.limit ?? 0) == 0 ? 60 : input.limit!
        let kind = "members:" + pool.id + ":" + input.groupName
        let after = try input.nextToken.map { try PageToken.decode($0, kind: kind) }
        let names = try await store.members(poolId: pool.id, group: input.groupName, after: after, limit: limit + 1)
        let page = Array(names.prefix(limit))
        var users: [UserType] = []
        for name in page {
            if let u = try await store.user(poolId: pool.id, usernameKey: key(name, pool)) { users.append(u.listed()) }
        }
        return ListUsersInGroupResponse(users: users, nextToken: names.count > limit ? page.last.map { PageToken.encode($0, kind: kind) } : nil)
    }

    func requireGroup(_ poolId: String, _ name: String) async throws -> GroupType {
        guard let group = try await store.group(poolId: poolId, name: name) else { throw CognitoError.groupNotFound }
        return group
    }

    /// Group names for token claims, by precedence (lowest first), then name.
    func groupNames(_ user: User) async throws -> [String] {
        try await store.groups(poolId: user.poolId, username: user.username)
            .sorted { ($0.precedence ?? Int.max, $0.groupName ?? "") < ($1.precedence ?? Int.max, $1.groupName ?? "") }
            .compactMap(\.groupName)
    }
}
