import CognateCore
import CognateCrypto
import Testing

struct SRPVectorFile: Decodable, Sendable {
    struct Vector: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var poolId: String
        var poolName: String
        var userId: String
        var password: String
        var salt: String
        var a: String
        var b: String
        var secretBlock: String
        var timestamp: String
        var x: String
        var u: String
        var K: String
        var signature: String
        var srpA: String
        var v: String
        var A: String
        var B: String
        var S: String
        var sha256OfPadHex: [String: String]

        var testDescription: String { name }
    }

    var N_hex: String
    var N_sha256: String
    var k: String
    var vectors: [Vector]

    static let file = loadVectors("srp-vectors", as: SRPVectorFile.self)
}

@Suite("Cognito SRP")
struct SRPTests {
    let srp = CognitoSRP()
    let digests = OpenSSLDigests()

    @Test("vector file has the contract vector and at least four generated ones")
    func vectorFileShape() {
        #expect(SRPVectorFile.file.vectors.count >= 5)
        #expect(SRPVectorFile.file.vectors.first?.name == "contract-section-3")
    }

    @Test("group: N matches its published SHA-256 and k matches the contract")
    func group() {
        #expect(SRPMath.groupPrime.count == 384)
        #expect(Hex.encode(digests.sha256(SRPMath.groupPrime)) == "48cf8b092fbce4359d9871abf74f98e25b6163379eaa15cd9087e800c6d1c55c")
        #expect(Hex.encode(SRPMath.groupPrime) == SRPVectorFile.file.N_hex)
        #expect(Hex.encode(SRPMath.multiplier) == "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6")
        #expect(Hex.encode(SRPMath.multiplier) == SRPVectorFile.file.k)
    }

    @Test("padHex is the minimal two's-complement form", arguments: [
        ([], "00"), ([0x00], "00"), ([0x7f], "7f"), ([0x80], "0080"), ([0x00, 0x80], "0080"),
        ([0x0a, 0xbc], "0abc"), ([0x00, 0x00, 0x01], "01"), ([0xff, 0x00], "00ff00"),
    ] as [([UInt8], String)])
    func padHex(bytes: [UInt8], expected: String) {
        #expect(SRPMath.padHex(bytes) == expected)
    }

    @Test("server side reproduces every vector", arguments: SRPVectorFile.file.vectors)
    func serverSide(vector: SRPVectorFile.Vector) throws {
        let salt = hexBytes(vector.salt)
        let v = srp.verifier(poolName: vector.poolName, userId: vector.userId, password: vector.password, salt: salt)
        #expect(SRPMath.padHex(v) == vector.v)
        #expect(v.first != 0)
        let bigB = try srp.serverPublic(verifier: v, secret: hexBytes(vector.b))
        #expect(SRPMath.padHex(bigB) == vector.B)
        let bigA = hexBytes(vector.srpA)
        #expect(SRPMath.padHex(bigA) == vector.A)

        let s = try srp.premasterSecret(clientPublic: bigA, serverPublic: bigB, serverSecret: hexBytes(vector.b), verifier: v)
        #expect(SRPMath.padHex(s) == vector.S)

        let signature = try srp.expectedSignature(
            clientPublic: bigA, serverPublic: bigB, serverSecret: hexBytes(vector.b), verifier: v,
            poolName: vector.poolName, userId: vector.userId, secretBlock: base64Bytes(vector.secretBlock),
            timestamp: vector.timestamp)
        #expect(Base64.encode(signature) == vector.signature)
    }

    @Test("intermediate values and the contract's SHA-256 checks", arguments: SRPVectorFile.file.vectors)
    func intermediates(vector: SRPVectorFile.Vector) {
        let salt = hexBytes(vector.salt)
        #expect(Hex.encode(SRPMath.x(salt: salt, poolName: vector.poolName, userId: vector.userId, password: vector.password)) == vector.x)
        let u = SRPMath.u(clientPublic: hexBytes(vector.A), serverPublic: hexBytes(vector.B))
        #expect(Hex.encode(u) == vector.u)
        #expect(Hex.encode(SRPMath.derivedKey(u: u, premasterSecret: hexBytes(vector.S))) == vector.K)
        for (name, value) in [("v", vector.v), ("A", vector.A), ("B", vector.B), ("S", vector.S)] {
            #expect(Hex.encode(digests.sha256(Array(value.utf8))) == vector.sha256OfPadHex[name], "\(name)")
        }
        #expect(vector.poolId.split(separator: "_", maxSplits: 1).last.map(String.init) == vector.poolName)
    }

    @Test("client side (pycognito's math) reproduces every vector", arguments: SRPVectorFile.file.vectors)
    func clientSide(vector: SRPVectorFile.Vector) throws {
        let a = hexBytes(vector.a)
        #expect(SRPMath.padHex(SRPMath.clientPublic(a: a)) == vector.A)
        let signature = try SRPMath.clientSignature(
            a: a, B: hexBytes(vector.B), salt: hexBytes(vector.salt), poolName: vector.poolName,
            userId: vector.userId, password: vector.password, secretBlock: base64Bytes(vector.secretBlock),
            timestamp: vector.timestamp)
        #expect(Base64.encode(signature) == vector.signature)
    }

    @Test("the contract vector's published values")
    func contractVector() throws {
        let vector = try #require(SRPVectorFile.file.vectors.first)
        #expect(vector.poolName == "ExAmPlE12")
        #expect(vector.x == "0245edeea40b8f84ee2239463c4bf4ec7e2fed57b355c315af9564a4db877c9a")
        #expect(vector.u == "db8b727930799b21e72f8380423963bb8db23e69d250d478c623a1894448ac42")
        #expect(vector.K == "c67a569459b2a2c37d8ef715784fc791")
        #expect(vector.signature == "08aJ1maDxb26AP9AeT/j62L/1ehagXPhxDrrgiHvmXA=")
        #expect(vector.sha256OfPadHex["v"] == "05ab3604e6509f3d34b99881f606599981fcace5d62deab20470b590e260bb05")
        #expect(vector.sha256OfPadHex["A"] == "2cc5a6fae9654cbeed2157e3580881ba56033ba3d31dd02b686d0b6aa586994a")
        #expect(vector.sha256OfPadHex["B"] == "b3692b56223fdff067b44d1e694a896c66cc346cbd4094ae19fee722fe7114ea")
        #expect(vector.sha256OfPadHex["S"] == "a1ae51b7d431e8e66a90f86d183e3178a37b16d0c5dc5287801c396617d2f5e5")
        #expect(SRPMath.padHex(SRPMath.groupPrime).count == 770)
    }

    @Test("A ≡ 0 mod N is refused", arguments: [
        [], [0x00], SRPMath.groupPrime, [0x00] + SRPMath.groupPrime, twiceN(),
    ] as [[UInt8]])
    func zeroClientPublicRefused(a: [UInt8]) throws {
        let vector = SRPVectorFile.file.vectors[0]
        let error = #expect(throws: CryptoFailure.self) {
            try srp.expectedSignature(
                clientPublic: a, serverPublic: hexBytes(vector.B), serverSecret: hexBytes(vector.b),
                verifier: hexBytes(vector.v), poolName: vector.poolName, userId: vector.userId,
                secretBlock: base64Bytes(vector.secretBlock), timestamp: vector.timestamp)
        }
        guard case .invalidInput = error else {
            Issue.record("expected invalidInput, got \(String(describing: error))")
            return
        }
    }

    @Test("a zero server secret is refused")
    func zeroServerSecretRefused() {
        #expect(throws: CryptoFailure.self) { try srp.serverPublic(verifier: [5], secret: [0, 0]) }
    }

    @Test("ports ignore leading zero bytes on input")
    func leadingZeros() throws {
        let vector = SRPVectorFile.file.vectors[0]
        let salt = hexBytes(vector.salt)
        let v = srp.verifier(poolName: vector.poolName, userId: vector.userId, password: vector.password, salt: salt)
        #expect(srp.verifier(poolName: vector.poolName, userId: vector.userId, password: vector.password, salt: [0, 0] + salt) == v)
        let signature = try srp.expectedSignature(
            clientPublic: [0] + hexBytes(vector.srpA), serverPublic: [0, 0] + hexBytes(vector.B),
            serverSecret: [0] + hexBytes(vector.b), verifier: [0] + v, poolName: vector.poolName, userId: vector.userId,
            secretBlock: base64Bytes(vector.secretBlock), timestamp: vector.timestamp)
        #expect(Base64.encode(signature) == vector.signature)
    }

    @Test("a wrong password, timestamp or secret block changes the signature")
    func mismatches() throws {
        let vector = SRPVectorFile.file.vectors[0]
        let a = hexBytes(vector.a), bigB = hexBytes(vector.B), salt = hexBytes(vector.salt)
        let block = base64Bytes(vector.secretBlock)
        func client(password: String = vector.password, timestamp: String = vector.timestamp, block: [UInt8] = block) throws -> String {
            Base64.encode(try SRPMath.clientSignature(
                a: a, B: bigB, salt: salt, poolName: vector.poolName, userId: vector.userId, password: password,
                secretBlock: block, timestamp: timestamp))
        }
        #expect(try client() == vector.signature)
        #expect(try client(password: "P@ssw0rd?") != vector.signature)
        #expect(try client(timestamp: "Tue Nov 3 09:05:08 UTC 2026") != vector.signature)
        #expect(try client(block: block + [0]) != vector.signature)
    }

    @Test("the shared group is safe to use from many tasks at once")
    func concurrentUse() async throws {
        let srp = self.srp
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for vector in SRPVectorFile.file.vectors + SRPVectorFile.file.vectors {
                group.addTask {
                    let v = srp.verifier(
                        poolName: vector.poolName, userId: vector.userId, password: vector.password, salt: hexBytes(vector.salt))
                    let bigB = try srp.serverPublic(verifier: v, secret: hexBytes(vector.b))
                    let signature = try srp.expectedSignature(
                        clientPublic: hexBytes(vector.srpA), serverPublic: bigB, serverSecret: hexBytes(vector.b),
                        verifier: v, poolName: vector.poolName, userId: vector.userId,
                        secretBlock: base64Bytes(vector.secretBlock), timestamp: vector.timestamp)
                    return Base64.encode(signature) == vector.signature
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 2 * SRPVectorFile.file.vectors.count)
        #expect(results.allSatisfy { $0 })
    }

    @Test("random handshakes: the server and the client agree")
    func randomHandshakes() throws {
        let random = OpenSSLRandom()
        for round in 0..<8 {
            let salt = random.bytes(count: 16), a = random.bytes(count: 128), b = random.bytes(count: 32)
            let password = "pw \(round) \(Hex.encode(random.bytes(count: 4)))"
            let v = srp.verifier(poolName: "Pool\(round)", userId: "user-\(round)", password: password, salt: salt)
            let bigB = try srp.serverPublic(verifier: v, secret: b)
            let bigA = SRPMath.clientPublic(a: a)
            let block = random.bytes(count: 64)
            let server = try srp.expectedSignature(
                clientPublic: bigA, serverPublic: bigB, serverSecret: b, verifier: v, poolName: "Pool\(round)",
                userId: "user-\(round)", secretBlock: block, timestamp: "Sat Nov 21 20:45:03 UTC 2026")
            let client = try SRPMath.clientSignature(
                a: a, B: bigB, salt: salt, poolName: "Pool\(round)", userId: "user-\(round)", password: password,
                secretBlock: block, timestamp: "Sat Nov 21 20:45:03 UTC 2026")
            #expect(server == client)
            #expect(server.count == 32)
        }
    }
}

private func twiceN() -> [UInt8] {
    // 2N = N shifted left by one bit.
    var out = [UInt8](repeating: 0, count: 385)
    var carry: UInt8 = 0
    for (i, byte) in SRPMath.groupPrime.enumerated().reversed() {
        out[i + 1] = byte << 1 | carry
        carry = byte >> 7
    }
    out[0] = carry
    return out
}
