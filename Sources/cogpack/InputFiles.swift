import Foundation
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// Files and folders named on the command line, checked before anything is planned or sent:
/// they exist, are readable, are of the right kind (a pipe or a device would block or never
/// end), and are small enough to hold in memory. Errors name the flag and the path, never
/// the content.
enum InputFiles {
    enum Kind {
        /// A regular file of at most `limit` bytes.
        case file(limit: Int)
        case folder
    }

    @discardableResult
    static func check(_ path: String, flag: String, what: String, kind: Kind) throws -> URL {
        let shown = Quote.value(path)
        guard !path.isEmpty else { throw InputError(.flag(flag), "the \(what) path is empty; write the path of the \(what)") }
        if let c = Quote.firstControl(path) {
            throw InputError(.flag(flag), "the \(what) path \(shown) holds \(c); write a path without control characters")
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw InputError(.flag(flag), "cannot read the \(what) \(shown): \(String(cString: strerror(errno))); write the path of an existing \(what)")
        }
        let type = st.st_mode & S_IFMT
        switch kind {
        case .file(let limit):
            guard type == S_IFREG else {
                throw InputError(.flag(flag), "the \(what) \(shown) is \(describe(type)), not a file; write the path of a file")
            }
            guard Int(st.st_size) <= limit else {
                throw InputError(.flag(flag), "the \(what) \(shown) is \(st.st_size) bytes; at most \(limit) are allowed")
            }
        case .folder:
            guard type == S_IFDIR else {
                throw InputError(.flag(flag), "the \(what) \(shown) is \(describe(type)), not a folder; write the path of a folder")
            }
        }
        guard access(path, R_OK) == 0 else {
            throw InputError(.flag(flag), "cannot read the \(what) \(shown): \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: path)
    }

    /// The bytes of a file checked as above.
    static func read(_ path: String, flag: String, what: String, limit: Int) throws -> Data {
        try check(path, flag: flag, what: what, kind: .file(limit: limit))
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.flag(flag), "cannot read the \(what) \(Quote.value(path))")
        }
        return data
    }

    private static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: "a folder"
        case S_IFREG: "a file"
        case S_IFIFO: "a pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        default: "not a file"
        }
    }
}
