import Foundation
import Rules

/// The model folder argument of `cogpack build` (the planner's `ModelFolder` reads the folder
/// itself). Its name travels in the session's HTTP headers and its path in one-line messages,
/// so a path with control characters is refused before anything runs.
enum FolderArgument {
    static func url(_ directory: String) throws -> URL {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        // The absolute path: the working folder's name counts too.
        if let c = Quote.firstControl(url.path) {
            throw InputError(.flag("model folder"), "the path \(Quote.value(url.path)) holds \(c); rename the folder (or move the model) to a path without control characters")
        }
        return url
    }
}
