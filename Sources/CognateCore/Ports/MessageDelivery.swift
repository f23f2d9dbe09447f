/// Delivers codes, links and invitations. Delivery must never fail the API call that caused it;
/// implementations queue and log their own failures.
public protocol MessageDelivery: Sendable {
    func deliver(_ message: OutboundMessage) async
}
