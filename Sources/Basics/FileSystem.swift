import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The calls that read a model folder (the planner, and the builder sending it), each failing
/// with the OS's error code. A seam: tests run as root, whom the OS never refuses, so they stand
/// in the refusals a user meets.
/// The errno of a failed call. The constants make `case .failure(.ENOENT)` read as in C.
public struct SystemError: Error, Equatable, Sendable {
    public let code: POSIXErrorCode
    public init(code: POSIXErrorCode) { self.code = code }

    public static let ENOENT = SystemError(code: .ENOENT)
    public static let ENOTDIR = SystemError(code: .ENOTDIR)
    public static let EACCES = SystemError(code: .EACCES)
    public static let EPERM = SystemError(code: .EPERM)
    public static let ELOOP = SystemError(code: .ELOOP)
    public static let ENAMETOOLONG = SystemError(code: .ENAMETOOLONG)
    public static let EFBIG = SystemError(code: .EFBIG)
    public static let EISDIR = SystemError(code: .EISDIR)
    public static let EINVAL = SystemError(code: .EINVAL)

    /// The error in the words of a message: "cannot read …: permission denied".
    public var reason: String {
        switch code {
        case .EACCES, .EPERM: "permission denied"
        case .ELOOP: "too many levels of symbolic links"
        case .ENAMETOOLONG: "the path is too long"
        default: String(cString: strerror(code.rawValue)).lowercased()
        }
    }
}

public struct FileSystem: Sendable {
    public enum Kind: Sendable, Equatable { case file, directory, symlink, other }

    public var realPath: @Sendable (String) -> Result<String, SystemError>
    /// The bytes of a regular file, at most `limit` of them (`EFBIG` beyond).
    public var readFile: @Sendable (_ path: String, _ limit: Int) -> Result<Data, SystemError>
    public var listDirectory: @Sendable (String) -> Result<[String], SystemError>
    /// The entry itself (a symlink is not followed), and its size.
    public var entry: @Sendable (String) -> Result<(kind: Kind, size: Int64), SystemError>
    /// What a symlink holds, as written (not followed).
    public var linkTarget: @Sendable (String) -> Result<String, SystemError>

    public init(realPath: @escaping @Sendable (String) -> Result<String, SystemError>,
                readFile: @escaping @Sendable (String, Int) -> Result<Data, SystemError>,
                listDirectory: @escaping @Sendable (String) -> Result<[String], SystemError>,
                entry: @escaping @Sendable (String) -> Result<(kind: Kind, size: Int64), SystemError>,
                linkTarget: @escaping @Sendable (String) -> Result<String, SystemError> = Self.readLink) {
        self.realPath = realPath
        self.readFile = readFile
        self.listDirectory = listDirectory
        self.entry = entry
        self.linkTarget = linkTarget
    }

    public static let readLink: @Sendable (String) -> Result<String, SystemError> = { path in
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return .failure(errno) }
        return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    private static var errno: SystemError { SystemError(code: POSIXErrorCode(rawValue: Glibc.errno) ?? .EIO) }

    public static let local = FileSystem(
        realPath: { path in
            guard let p = Glibc.realpath(path, nil) else { return .failure(errno) }
            defer { free(p) }
            return .success(String(cString: p))
        },
        readFile: { path, limit in
            // Non-blocking, so that a FIFO named requirements.txt cannot hang the planner; only
            // regular files are read.
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { return .failure(errno) }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0 else { return .failure(errno) }
            guard st.st_mode & S_IFMT == S_IFREG else { return .failure(st.st_mode & S_IFMT == S_IFDIR ? .EISDIR : .EINVAL) }
            guard st.st_size <= limit else { return .failure(.EFBIG) }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 { return .failure(errno) }
                if n == 0 { return .success(data) }
                data.append(contentsOf: buffer[..<n])
                if data.count > limit { return .failure(.EFBIG) }
            }
        },
        listDirectory: { path in
            guard let dir = opendir(path) else { return .failure(errno) }
            defer { closedir(dir) }
            var names: [String] = []
            while let e = readdir(dir) {
                let name = withUnsafePointer(to: e.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return .success(names)
        },
        entry: { path in
            var st = stat()
            guard lstat(path, &st) == 0 else { return .failure(errno) }
            let kind: Kind = switch st.st_mode & S_IFMT {
            case S_IFREG: .file
            case S_IFDIR: .directory
            case S_IFLNK: .symlink
            default: .other
            }
            return .success((kind, Int64(st.st_size)))
        })
}
