/// Branding for the hosted pages (SetUICustomization): for the whole pool (`clientId` "ALL") or
/// for one app client, which then wins over the pool's.
public struct UICustomization: Codable, Sendable, Equatable {
    public static let allClients = "ALL"

    public var poolId: String
    public var clientId: String
    public var css: String?
    public var image: [UInt8]?
    /// `image/png` or `image/jpeg`.
    public var imageType: String?
    /// Changes on every update; it is part of the image URL so browsers fetch a new logo.
    public var version: String
    public var createdAt: Double
    public var modifiedAt: Double

    public init(poolId: String, clientId: String, css: String?, image: [UInt8]?, imageType: String?, version: String, createdAt: Double, modifiedAt: Double) {
        self.poolId = poolId
        self.clientId = clientId
        self.css = css
        self.image = image
        self.imageType = imageType
        self.version = version
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
    }
}
