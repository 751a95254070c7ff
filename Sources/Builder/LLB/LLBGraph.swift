import Foundation
import SwiftProtobuf

/// One output of an op: what a later op takes as an input.
struct LLBOutput: Hashable {
    let digest: String
    let index: Int64
}

/// Marshalled ops, each once, dependencies first, with their metadata. An op's digest is the
/// SHA-256 of its exact bytes, so the bytes are deterministic: fields in tag order, maps sorted.
final class LLBGraph {
    let platform: Pb_Platform
    private(set) var order: [String] = []
    private var bytes: [String: Data] = [:]
    private(set) var metadata: [String: Pb_OpMetadata] = [:]
    /// `--no-cache`: every step (exec and file op) is marked `ignore_cache`, so BuildKit runs it
    /// again instead of taking it from its cache, as the Dockerfile frontend marks every op for
    /// its `no-cache` attribute. Sources (images, contexts) are loaded as usual.
    var ignoreCache = false

    init(os: String, arch: String) {
        var p = Pb_Platform()
        p.os = os
        p.architecture = arch
        platform = p
    }

    static func marshal(_ message: Message) throws -> Data {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return try message.serializedBytes(options: options)
    }

    /// Adds an op (with the platform set, as the Go client does) and returns its digest.
    @discardableResult
    func add(_ op: Pb_Op, name: String?, caps: [String]) throws -> String {
        var op = op
        op.platform = platform
        let data = try Self.marshal(op)
        let digest = Digest.sha256(data)
        if bytes[digest] == nil {
            order.append(digest)
            bytes[digest] = data
        }
        var md = metadata[digest] ?? Pb_OpMetadata()
        if let name, md.description_p["llb.customname"] == nil { md.description_p["llb.customname"] = name }
        for cap in caps { md.caps[cap] = true }
        switch op.op {
        case .exec, .file:
            if ignoreCache {
                md.ignoreCache = true
                md.caps["meta.ignorecache"] = true
            }
        default: break
        }
        metadata[digest] = md
        return digest
    }

    /// The definition whose last op points at `result`, as BuildKit requires.
    func definition(result: LLBOutput) throws -> Pb_Definition {
        var terminal = Pb_Op()
        var input = Pb_Input()
        input.digest = result.digest
        input.index = result.index
        terminal.inputs = [input]
        let data = try Self.marshal(terminal)
        let digest = Digest.sha256(data)
        var def = Pb_Definition()
        def.def = order.map { bytes[$0]! } + [data]
        def.metadata = metadata
        var md = Pb_OpMetadata()
        md.caps = ["constraints": true, "platform": true]
        def.metadata[digest] = md
        return def
    }
}
