import Foundation

/// The tar stream the Engine API takes to put files into a container and gives to take them out
/// (`PUT` and `GET /containers/{id}/archive`): POSIX ustar headers, with a PAX record for a path
/// or link target that does not fit ustar's fields. Only what those calls need: regular files,
/// folders and symlinks in; regular files out.
public enum TarArchive {
    public enum Entry: Sendable, Equatable {
        case directory(path: String, mode: Int)
        case file(path: String, mode: Int, contents: Data)
        case symlink(path: String, target: String)
    }

    static let block = 512

    /// The archive of `entries`, in their order, closed by two empty blocks. Every entry gets the
    /// time `modified` (seconds since 1970): a build backend that zips the files refuses times
    /// before 1980, so 0 will not do.
    public static func archive(_ entries: [Entry], modified: Int) -> Data {
        var out = Data()
        for entry in entries {
            out.append(header(entry, modified: modified))
            if case .file(_, _, let contents) = entry {
                out.append(contents)
                out.append(padding(contents.count))
            }
        }
        out.append(end)
        return out
    }

    /// Writes an archive to a file one entry at a time, so that only one file's contents are in
    /// memory at once (a model's wheels can be hundreds of MB).
    public struct FileWriter {
        let handle: FileHandle
        let modified: Int

        public init(_ handle: FileHandle, modified: Int) {
            self.handle = handle
            self.modified = modified
        }

        public func add(_ entry: Entry) throws {
            try handle.write(contentsOf: header(entry, modified: modified))
            if case .file(_, _, let contents) = entry {
                try handle.write(contentsOf: contents)
                try handle.write(contentsOf: padding(contents.count))
            }
        }

        /// The two empty blocks that close the archive.
        public func finish() throws { try handle.write(contentsOf: end) }
    }

    static let end = Data(count: 2 * block)

    /// The header blocks of `entry` (a PAX header first when a path or target is long), without
    /// a file's contents.
    static func header(_ entry: Entry, modified: Int) -> Data {
        var out = Data()
        switch entry {
        case .directory(let path, let mode):
            appendHeader(&out, path: path.hasSuffix("/") ? path : path + "/", mode: mode, size: 0, type: "5", link: "", modified: modified)
        case .file(let path, let mode, let contents):
            appendHeader(&out, path: path, mode: mode, size: contents.count, type: "0", link: "", modified: modified)
        case .symlink(let path, let target):
            appendHeader(&out, path: path, mode: 0o777, size: 0, type: "2", link: target, modified: modified)
        }
        return out
    }

    /// The zeros that fill a file's last block.
    static func padding(_ size: Int) -> Data {
        Data(count: (block - size % block) % block)
    }

    /// The regular files of an archive, by the path each has in it (a PAX `path` record's, or GNU's
    /// long name, over the header's). Throws on a stream that is not a tar archive.
    public static func files(_ data: Data) throws -> [String: Data] {
        let bytes = [UInt8](data)
        var files: [String: Data] = [:]
        var at = 0
        var paxPath: String?
        while at + block <= bytes.count {
            let header = Array(bytes[at..<at + block])
            if header.allSatisfy({ $0 == 0 }) { break }
            guard let size = octal(header[124..<136]), size >= 0 else { throw TransportError("the engine sent an archive with a bad header") }
            let start = at + block
            let end = start + size
            guard end <= bytes.count else { throw TransportError("the engine sent an archive cut short") }
            let type = header[156]
            switch type {
            case UInt8(ascii: "x"):
                paxPath = pax(bytes[start..<end])["path"]
            case UInt8(ascii: "L"):
                // GNU's long name: the next entry's path.
                paxPath = text(bytes[start..<end])
            case UInt8(ascii: "0"), 0:
                let prefix = text(header[345..<500])
                let name = text(header[0..<100])
                files[paxPath ?? (prefix.isEmpty ? name : prefix + "/" + name)] = Data(bytes[start..<end])
                paxPath = nil
            default:
                paxPath = nil
            }
            at = start + (size + block - 1) / block * block
        }
        return files
    }

    private static func appendHeader(_ out: inout Data, path: String, mode: Int, size: Int, type: Character, link: String, modified: Int) {
        let name = Array(path.utf8)
        let target = Array(link.utf8)
        if name.count > 100 || target.count > 100 {
            var records = ""
            if name.count > 100 { records += record("path", path) }
            if target.count > 100 { records += record("linkpath", link) }
            let body = Data(records.utf8)
            appendHeader(&out, name: Array("PaxHeader".utf8), mode: 0o644, size: body.count, type: "x", link: [], modified: modified)
            out.append(body)
            out.append(padding(body.count))
        }
        appendHeader(&out, name: Array(name.prefix(100)), mode: mode, size: size, type: type, link: Array(target.prefix(100)), modified: modified)
    }

    private static func appendHeader(_ out: inout Data, name: [UInt8], mode: Int, size: Int, type: Character, link: [UInt8], modified: Int) {
        var h = [UInt8](repeating: 0, count: block)
        func put(_ value: [UInt8], at offset: Int) { for (i, b) in value.enumerated() { h[offset + i] = b } }
        func number(_ value: Int, width: Int) -> [UInt8] {
            Array(String(value, radix: 8).leftPadded(to: width - 1).utf8) + [0]
        }
        put(name, at: 0)
        put(number(mode, width: 8), at: 100)
        put(number(0, width: 8), at: 108)
        put(number(0, width: 8), at: 116)
        put(number(size, width: 12), at: 124)
        put(number(modified, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        h[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(link, at: 157)
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array(String(String(sum, radix: 8)).leftPadded(to: 6).utf8) + [0, 0x20], at: 148)
        out.append(contentsOf: h)
    }

    /// A PAX record: its own length counts the digits of that length.
    static func record(_ key: String, _ value: String) -> String {
        let rest = " \(key)=\(value)\n".utf8.count
        var length = rest + 1
        while String(length).count + rest != length { length = String(length).count + rest }
        return "\(length) \(key)=\(value)\n"
    }

    private static func octal(_ field: ArraySlice<UInt8>) -> Int? {
        let digits = field.prefix { $0 != 0 && $0 != 0x20 }.drop { $0 == 0x20 }
        if digits.isEmpty { return 0 }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }

    private static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func pax(_ body: ArraySlice<UInt8>) -> [String: String] {
        var out: [String: String] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " "), let eq = line[space...].firstIndex(of: "=") else { continue }
            out[String(line[line.index(after: space)..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
