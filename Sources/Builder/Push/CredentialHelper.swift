import Foundation

/// A Docker credential helper (`docker-credential-NAME`, as `docker login` uses them): `get`
/// reads the registry's address on stdin and answers `{"ServerURL", "Username", "Secret"}`
/// on stdout; the user `<token>` means the secret is an identity token. A helper without a
/// login for the address says "credentials not found" and exits 1 (older ones answer with an
/// empty user and secret and exit 0).
public struct CredentialHelper: Sendable {
    public let name: String
    public var program: String { "docker-credential-\(name)" }
    /// A helper that waits longer (on a locked keyring's prompt) is not going to answer.
    public static let timeout: TimeInterval = 30

    public init(name: String) { self.name = name }

    /// Why a helper gave no answer, with the helper and the config that names it.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    /// The helper's login for `serverAddress`; nil when it has none.
    public func get(_ serverAddress: String, environment: [String: String], configPath: String, field: String) throws -> RegistryCredentials.Secret? {
        let named = "\(program), named by \(field) in \(configPath)"
        guard let executable = Self.find(program, path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin") else {
            throw Failure(message: "\(named), is not on PATH; install it or remove \(field) from the config")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["get"]
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw Failure(message: "\(named), cannot be started: \(error.localizedDescription)") }
        try? input.fileHandleForWriting.write(contentsOf: Data(serverAddress.utf8))
        try? input.fileHandleForWriting.close()
        // Both pipes are read while the helper runs: a full pipe would stop it.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, error: isError)
                group.leave()
            }
        }
        if group.wait(timeout: .now() + Self.timeout) == .timedOut {
            process.terminate()
            _ = group.wait(timeout: .now() + 2)
            throw Failure(message: "\(named), did not answer within \(Int(Self.timeout)) s (a locked keyring?)")
        }
        process.waitUntilExit()
        let (out, err) = collected.value
        let said = (String(decoding: out, as: UTF8.self) + "\n" + String(decoding: err, as: UTF8.self))
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard process.terminationStatus == 0 else {
            if said.contains(where: { $0.lowercased().contains("credentials not found") }) { return nil }
            let first = said.first.map { ": \(String($0.prefix(200)))" } ?? ""
            throw Failure(message: "\(named), failed for \(serverAddress) (exit \(process.terminationStatus))\(first)")
        }
        guard let answer = (try? JSONSerialization.jsonObject(with: out)) as? [String: Any] else {
            throw Failure(message: "\(named), did not answer with JSON for \(serverAddress)")
        }
        let user = answer["Username"] as? String ?? "", secret = answer["Secret"] as? String ?? ""
        if user.isEmpty, secret.isEmpty { return nil }
        return user == "<token>" ? .identityToken(secret) : .password(username: user, password: secret)
    }

    static func find(_ program: String, path: String) -> String? {
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(program).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What the two readers got; each writes its own half once.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()

        func set(_ data: Data, error: Bool) {
            lock.withLock { if error { err = data } else { out = data } }
        }

        var value: (Data, Data) { lock.withLock { (out, err) } }
    }
}
