import Foundation
import Rules

/// Reads the driver and compute-capability tables out of `gpu-facts.md`, so that the facts are
/// typed once, in prose with their sources, and the data file follows them.
struct GPUFacts {
    struct Toolkit { let cuda: DottedVersion; let driver: DottedVersion; let checked: Bool }
    struct Compat { let major: Int; let driver: DottedVersion }
    /// `package` is named by the table's third column header (`torch >=`); `minimum` is its floor.
    struct Capability { let arch: String; let gpus: String; let package: String; let minimum: String; let cudaMin: DottedVersion; let checked: Bool }

    var toolkit: [Toolkit] = []
    var compat: [Compat] = []
    var capabilities: [Capability] = []

    init(markdown: String) throws {
        var capabilityPackage: String?
        for line in markdown.split(separator: "\n").map(String.init) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("|"), cells.count == 4, !cells[0].hasPrefix("sm_"), cells.allSatisfy({ !$0.contains("---") }) {
                // The two-column-pair driver table: | CUDA | driver >= | CUDA | driver >= |
                for pair in [(cells[0], cells[1]), (cells[2], cells[3])] {
                    if let cuda = DottedVersion(pair.0), let driver = Self.driver(pair.1) {
                        toolkit.append(Toolkit(cuda: cuda, driver: driver.0, checked: driver.1))
                    }
                }
            }
            // | compute capability | GPUs | torch >= | CUDA >= |
            if line.hasPrefix("|"), cells.count == 4, cells[0].lowercased() == "compute capability", cells[2].hasSuffix(">=") {
                capabilityPackage = cells[2].dropLast(2).trimmingCharacters(in: .whitespaces).lowercased()
            }
            if line.hasPrefix("| sm_"), cells.count == 4, let package = capabilityPackage {
                let minimum = cells[2].replacingOccurrences(of: "(check)", with: "").trimmingCharacters(in: .whitespaces)
                guard let cuda = DottedVersion(cells[3]) else { continue }
                capabilities.append(Capability(arch: cells[0], gpus: cells[1], package: package, minimum: minimum,
                                               cudaMin: cuda, checked: !cells[2].contains("(check)")))
            }
        }
        // "any CUDA 11.x runs on a driver >= 450.80.02; any 12.x on >= 525.60.13; any 13.x on >= 580"
        let regex = try NSRegularExpression(pattern: #"any\s+(?:CUDA\s+)?(\d+)\.x[^>]*>=\s*(\d+(?:\.\d+)*)"#)
        let ns = markdown as NSString
        for m in regex.matches(in: markdown, range: NSRange(location: 0, length: ns.length)) {
            if let major = Int(ns.substring(with: m.range(at: 1))), let d = DottedVersion(ns.substring(with: m.range(at: 2))) {
                compat.append(Compat(major: major, driver: d))
            }
        }
        // "(10.2: >= 440.33; 10.1: >= 418.39)": toolkits before minor-version compatibility.
        let before = try NSRegularExpression(pattern: #"(\d+\.\d+): >= (\d+(?:\.\d+)+)"#)
        for m in before.matches(in: markdown, range: NSRange(location: 0, length: ns.length)) {
            if let c = DottedVersion(ns.substring(with: m.range(at: 1))), let d = DottedVersion(ns.substring(with: m.range(at: 2))),
               !toolkit.contains(where: { $0.cuda == c }) {
                // Before 11.0 every toolkit needed its own driver, so there is no per-major floor.
                toolkit.append(Toolkit(cuda: c, driver: d, checked: true))
            }
        }
        toolkit.sort { $0.cuda < $1.cuda }
        guard !toolkit.isEmpty, !compat.isEmpty, !capabilities.isEmpty else {
            throw PackageIndex.Failure(description: "gpu-facts.md: could not find the driver and compute capability tables")
        }
    }

    private static func driver(_ cell: String) -> (DottedVersion, Bool)? {
        let checked = !cell.contains("(check)")
        let text = cell.replacingOccurrences(of: "(check)", with: "").trimmingCharacters(in: .whitespaces)
        return DottedVersion(text).map { ($0, checked) }
    }
}
