import Crypto
import Foundation

/// Content digests as BuildKit and OCI write them.
enum Digest {
    /// `sha256:<lower-case hex>`, as BuildKit names op digests.
    static func sha256(_ bytes: some DataProtocol) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }
}
