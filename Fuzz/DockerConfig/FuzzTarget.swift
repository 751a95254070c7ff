import Foundation
import Rules

/// The Docker config as `push`, `build --push` and `--cache-from` read it for logins
/// (DockerConfig, compiled into this target from Sources/Builder/Push, whose module needs
/// SwiftNIO). Every problem must be an InputError naming the file. For an accepted config, the
/// lookups run for each key it names and a few registries; no credential helper is run (it would
/// start a program per input): the helper's name is only looked up.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let config: DockerConfig
    do {
        config = try DockerConfig.parse(bytes, path: "/fuzz/config.json")
    } catch is InputError {
        return 0
    } catch {
        FuzzInput.fail("the Docker config raised \(type(of: error)): \(error)")
    }
    let keys = Array(config.auths.keys) + Array(config.credHelpers.keys)
    let addresses = keys.prefix(32).map(DockerConfig.host(ofKey:)) + ["docker.io", RegistryCredentials.hubAddress, "127.0.0.1:5000"]
    for address in addresses {
        _ = config.helper(for: address)
        _ = config.lookedIn(address)
        guard let (_, entry) = config.entry(for: address) else { continue }
        let secret: RegistryCredentials.Secret? = entry.identityToken.map { .identityToken($0) }
            ?? entry.username.flatMap { u in entry.password.map { .password(username: u, password: $0) } }
        // The header the engine gets must be base64url of a JSON object, whatever the config held.
        let header = RegistryCredentials(serverAddress: address, secret: secret, origin: "fuzz").header
        var base64 = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let json = Data(base64Encoded: base64), (try? JSONSerialization.jsonObject(with: json)) is [String: Any] else {
            FuzzInput.fail("the X-Registry-Auth header of \(address) is not base64url of a JSON object: \(header)")
        }
    }
    return 0
}
