import Crypto
import Foundation

/// The SHA-256 of a file the data is made from, as `sha256:HEX`.
public enum InputDigest {
    public static func sha256(of file: URL) throws -> String {
        let data = try Data(contentsOf: file)
        return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
