import CognateDelivery
import Testing

@Suite struct RetryPolicyTests {
    @Test func doublesUpToTheCap() {
        let p = RetryPolicy(firstDelay: 1, maxDelay: 10)
        #expect([1, 2, 3, 4, 5, 9].map { p.delay(afterAttempts: $0) } == [1, 2, 4, 8, 10, 10])
    }
}
