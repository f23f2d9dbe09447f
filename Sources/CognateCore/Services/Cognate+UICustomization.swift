import CognitoModel

/// SetUICustomization / GetUICustomization: CSS and a logo for the hosted pages, for the pool
/// or for one client.
extension Cognate {
    static let maxLogoBytes = 100 * 1024

    public func setUICustomization(_ input: SetUICustomizationRequest, _ ctx: CallContext) async throws -> SetUICustomizationResponse {
        let pool = try await requirePool(input.userPoolId)
        let clientKey = try await customizationKey(input.clientId, pool: pool)
        if let css = input.css, css.contains("<") {
            // The CSS is placed inside a <style> element; markup there could end it and inject a page.
            throw CognitoError.invalidParameter("CSS must not contain the character <.")
        }
        var image: [UInt8]?
        var imageType: String?
        if let file = input.imageFile {
            guard let bytes = Base64.decode(file) else { throw CognitoError.invalidParameter("ImageFile must be base64-encoded.") }
            guard bytes.count <= Self.maxLogoBytes else { throw CognitoError.invalidParameter("ImageFile must be at most 100 KB.") }
            guard let type = Self.imageType(bytes) else { throw CognitoError.invalidParameter("ImageFile must be a PNG or JPEG image.") }
            image = bytes
            imageType = type
        }
        let t = now
        let previous = try await store.uiCustomization(poolId: pool.id, clientId: clientKey)
        let value = UICustomization(
            poolId: pool.id, clientId: clientKey, css: input.css, image: image, imageType: imageType,
            version: deps.random.string(count: 12, alphabet: Self.clientIdAlphabet), createdAt: previous?.createdAt ?? t, modifiedAt: t
        )
        try await store.putUICustomization(value)
        return SetUICustomizationResponse(uiCustomization: describe(value))
    }

    public func getUICustomization(_ input: GetUICustomizationRequest, _ ctx: CallContext) async throws -> GetUICustomizationResponse {
        let pool = try await requirePool(input.userPoolId)
        let clientKey = try await customizationKey(input.clientId, pool: pool)
        if let value = try await branding(poolId: pool.id, clientId: clientKey) {
            return GetUICustomizationResponse(uiCustomization: describe(value))
        }
        return GetUICustomizationResponse(uiCustomization: UICustomizationType(userPoolId: pool.id, clientId: clientKey))
    }

    /// The branding the hosted pages use for a client: its own, else the pool's.
    public func branding(poolId: String, clientId: String) async throws -> UICustomization? {
        if clientId != UICustomization.allClients, let own = try await store.uiCustomization(poolId: poolId, clientId: clientId), own.css != nil || own.image != nil {
            return own
        }
        guard let pool = try await store.uiCustomization(poolId: poolId, clientId: UICustomization.allClients), pool.css != nil || pool.image != nil else { return nil }
        return pool
    }

    /// The stored logo for the image URL that `describe` hands out.
    public func logo(poolId: String, clientKey: String) async throws -> (bytes: [UInt8], type: String)? {
        guard let c = try await store.uiCustomization(poolId: poolId, clientId: clientKey), let image = c.image, let type = c.imageType else { return nil }
        return (image, type)
    }

    func customizationKey(_ clientId: String?, pool: UserPool) async throws -> String {
        guard let clientId, clientId != UICustomization.allClients else { return UICustomization.allClients }
        return try await requireClient(clientId, poolId: pool.id).id
    }

    func describe(_ c: UICustomization) -> UICustomizationType {
        UICustomizationType(
            userPoolId: c.poolId, clientId: c.clientId, imageUrl: c.image == nil ? nil : logoURL(c),
            css: c.css, cssVersion: c.version, lastModifiedDate: c.modifiedAt, creationDate: c.createdAt
        )
    }

    public func logoURL(_ c: UICustomization) -> String {
        "\(deps.config.publicURL)/logo/\(c.poolId)/\(c.clientId)?v=\(c.version)"
    }

    static func imageType(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }
}
