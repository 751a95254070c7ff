import ArgumentParser
import Builder
import Foundation
import Planner
import Resolver
import Rules

/// Bad input: the error with its file and line, on stderr (or as JSON on stdout), and exit 2.
/// Always one line: control characters in a message (a value the user gave) are escaped.
enum Failure {
    static func report(_ e: InputError, json: Bool) -> Never {
        if json {
            print(ExplanationJSON.render(["status": "error", "error": ["source": e.source.description, "message": e.message]]))
        } else {
            Console.error("error: \(Quote.escaped(e.source.description)): \(Quote.escaped(e.message))")
        }
        Foundation.exit(2)
    }

    /// A usage error of the argument parser (unknown option, missing value), as any bad input.
    static func usage(_ message: String, command: String, json: Bool) -> Never {
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        let joined = line.hasSuffix(".") || line.hasSuffix("?") ? "\(line) See" : "\(line); see"
        report(InputError(.flag("usage"), "\(joined) `\(command) --help`"), json: json)
    }
}

enum Flags {
    static func drivers(_ texts: [String]) throws -> [DottedVersion] {
        try texts.map { text in
            guard let d = DottedVersion(text) else { throw InputError(.flag("--driver"), "\(Quote.value(text)) is not a driver version such as 535.104.05") }
            return d
        }
    }

    /// `-t`: exactly one image name, in the reference grammar, without a digest (a build makes
    /// the image, so its digest cannot be chosen).
    /// `--cache-from` names, checked before anything is sent: BuildKit ignores an import it
    /// cannot read, so a typo would only show as a slow build.
    static func cacheFrom(_ texts: [String]) throws -> [String] {
        try texts.map { text in
            do {
                return try ImageReference(parsing: text).qualified
            } catch let e as ImageReference.Invalid {
                throw InputError(.flag("--cache-from"), "\(Quote.value(text)) is not an image name: \(e.reason); name an image pushed by a build, such as registry.example.com/team/model:1.0")
            }
        }
    }

    static func tag(_ texts: [String]) throws -> ImageReference {
        guard let text = texts.first else {
            throw InputError(.flag("-t"), "no image name; add -t NAME, such as -t my-model")
        }
        guard texts.count == 1 else {
            throw InputError(.flag("-t"), "given \(texts.count) times (\(texts.map(Quote.value).joined(separator: ", "))); cogpack tags one image: give one -t, and add names with `docker tag`")
        }
        let ref: ImageReference
        do {
            ref = try ImageReference(parsing: text)
        } catch let e as ImageReference.Invalid {
            // The reason says what to write when it can; otherwise an example does.
            let example = e.reason.contains("write ") || e.reason.contains("use ") ? "" : "; write a name such as my-model or registry.example.com/team/model:1.0"
            throw InputError(.flag("-t"), "\(Quote.value(text)) is not an image name: \(e.reason)\(example)")
        }
        guard ref.digest == nil else {
            throw InputError(.flag("-t"), "\(Quote.value(text)) names a digest; a build cannot choose its image's digest: write NAME or NAME:TAG")
        }
        return ref
    }

    /// `--builder`, else the engine of `DOCKER_HOST`, with the TLS of the flags or the
    /// environment; an address that cannot be used, or a TLS file that cannot be read, names its
    /// setting. A tcp:// engine without TLS is what the docker CLI does too, with a warning here.
    static func builder(_ text: String?, tls: TLSFlags? = nil) throws -> BuilderAddress {
        let address: BuilderAddress
        do {
            address = try text.map { try BuilderAddress.parse($0, tls: tls?.settings) } ?? BuilderAddress.defaultEngine(tls: tls?.settings)
            try address.endpoint.tls?.check()
        } catch let e as BuilderAddress.Invalid {
            throw InputError(.flag(e.setting), e.message)
        } catch let e as EngineTLS.FileProblem {
            throw InputError(.flag(e.setting), e.message)
        }
        if address.isUnencryptedTCP { PlaintextWarning.once(address) }
        return address
    }

    /// The engine of `DOCKER_HOST`, for commands that only look at its images.
    static func engine() throws -> BuilderAddress.Endpoint {
        try builder(nil).endpoint
    }

    /// `--ca-cert`, else the first of the variables installers read; the error names the one used.
    static func caBundle(_ caCert: String?) throws -> URL? {
        let env = ProcessInfo.processInfo.environment
        let given = [("--ca-cert", caCert)] + ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT"].map { ($0, env[$0]) }
        guard let (setting, path) = given.first(where: { $0.1.map { !$0.isEmpty } ?? false }), let path else { return nil }
        return try InputFiles.check(path, flag: setting, what: "CA bundle", kind: .file(limit: BuildCommand.maxCABundleBytes))
    }
}

/// The warning that a tcp:// engine is reached without TLS, printed once per run however many
/// times the address is read.
enum PlaintextWarning {
    nonisolated(unsafe) private static var printed = false
    private static let lock = NSLock()

    static func once(_ address: BuilderAddress) {
        let first = lock.withLock {
            defer { printed = true }
            return !printed
        }
        guard first else { return }
        let why = DockerTLSEnvironment.plaintextReason(ProcessInfo.processInfo.environment)
        Console.error("warning: \(address) is reached without TLS (\(why)): the build's files, secrets and logins cross the network unencrypted")
    }
}
