import ArgumentParser
import Foundation
import Rules

/// Bad input: the error with its file and line, on stderr (or as JSON on stdout), and exit 2.
enum Failure {
    static func report(_ e: InputError, json: Bool) -> Never {
        if json {
            print(JSONOutput.render(["status": "error", "error": ["source": e.source.description, "message": e.message]]))
        } else {
            FileHandle.standardError.write(Data("error: \(e.source): \(e.message)\n".utf8))
        }
        Foundation.exit(2)
    }
}

enum Flags {
    static func drivers(_ texts: [String]) throws -> [DottedVersion] {
        try texts.map { text in
            guard let d = DottedVersion(text) else { throw InputError(.flag("--driver"), "'\(text)' is not a driver version such as 535.104.05") }
            return d
        }
    }
}
