import Foundation
import Rules

/// What `cogpack lock` asks uv to resolve, from the model and the resolution: the framework's
/// packages at the resolved releases (with their GPU extra), the cog SDK at its release, the other
/// requirements as written; the framework and SDK pins and the `-c` lines as constraints; the
/// index options the build would use. Then the lock made of uv's answer.
public struct LockRequest: Sendable {
    public static let platform = "x86_64-manylinux_2_28"

    /// The requirements file to compile.
    public let requirements: String
    public let constraints: String
    /// Index options and flags, one option with its value an entry.
    public let options: [String]
    /// major.minor.
    public let python: String
    public let uvVersion: String
    public let choices: [LockChoice]
    public let inputs: [LockInput]
    /// The normalized names of the framework's packages, which the framework stage installs with
    /// what they require.
    public let frameworkPackages: [String]
    /// The model folder's absolute path, as the requirements give it to uv: a folder or a
    /// `git+file:` repository of the model is named there by it, and recorded relative to it.
    public var root = ""
    /// The folders and repositories of the model as they are now, which the lock records.
    public var pins: [LocalPin] = []
    /// The `--find-links` folders of the model as they are now, which the lock records.
    public var findLinks: [FindLinksFolder] = []
    /// Those folders as uv reads them (`file://` URLs of their absolute paths, where its container
    /// has the model's files):
    /// uv's arguments, but not the lock's options, as the build installs their archives by path.
    public var findLinksURLs: [String] = []
    /// The image uv runs in: the model's base image, with the Python the lock is for, so that
    /// a package's build backend runs on that Python, and not on this machine.
    public var baseImage = ""
    /// A requirement is a VCS URL: uv needs git, which the build installs too.
    public var needsGit = false
    /// The shell command that installs git, the build's own.
    public static var gitInstall: String { AppDepsBlock.gitInstall }
    /// The files of the model uv reads: copied into uv's container, and nothing else of the model.
    public var modelFiles: LockModelFiles?

    /// uv's arguments besides the files: the target, and the options.
    public var arguments: [String] {
        ["--python-version", python, "--python-platform", Self.platform] + options.flatMap { $0.split(separator: " ", maxSplits: 1).map(String.init) }
            + findLinksURLs.flatMap { ["--find-links", $0] }
    }

    static func make(_ input: BlockInput, _ resolved: Resolved) throws -> LockRequest {
        let kb = input.kb
        let project = input.project
        var specs: [String] = []
        var frameworkIndexes: [String] = []
        var frameworkNames: [String] = []
        for framework in kb.frameworks {
            guard let one = FrameworkBlock.install(framework, resolved, input) else { continue }
            specs += one.specs
            frameworkIndexes += one.indexes.filter { !frameworkIndexes.contains($0) }
            frameworkNames += framework.packages.filter { resolved.resolution.package($0) != nil }.map(PackageName.normalize)
        }
        let cog = "\(CogRuntimeBlock.package)==\(try CogRuntimeBlock.version(resolved))"
        var files = GeneratedRequirements()
        let root = project.folder.absolute("")
        var findLinksURLs: [String] = []
        for option in project.requirements.options {
            try files.add(option, input)
            if case .findLinks(.local(let path)) = option.kind {
                // Counted as a source of packages as the build counts it (the index strategy), but
                // given to uv by its absolute path; the lock records its archives, not the option.
                guard !input.source.exists(path), (try? LockedPackage.checkModelPath(path)) != nil else {
                    throw InputError(option.source, "\(LineText.quoted(path)): cogpack locks a --find-links folder whose path has no white space, `#`, `@` or `\\`; name a folder of the model")
                }
                let url = Self.url(root + "/" + path)
                if !findLinksURLs.contains(url) { findLinksURLs.append(url) }
            }
        }
        var direct: [String] = []
        var needsGit = false
        for r in project.activeRequirements {
            if r.origin == .index {
                guard !r.editable else { throw InputError(r.source, "-e needs a folder or a VCS URL, not \(LineText.quoted(r.text))") }
                if let name = r.name, kb.framework(of: name) != nil || AppDepsBlock.managed.contains(name) { continue }
                try files.add(r, input)
            } else {
                direct.append(try Self.direct(r, root: root, input))
                switch r.origin {
                case .vcs, .localVCS: needsGit = true
                default: break
                }
            }
        }
        var constraints = resolved.frameworkPins(kb) + [cog]
        for c in project.activeConstraints {
            guard let name = c.name, kb.framework(of: name) == nil, !AppDepsBlock.managed.contains(name) else { continue }
            constraints.append(GeneratedRequirements.line(c.text, hashes: c.hashes))
        }
        // The build's own --find-links lines point to where its step mounts the folder.
        var options = files.options.filter { !$0.hasPrefix("--find-links \(AppDepsBlock.localMountPoint)/") }
        options += frameworkIndexes.map { "--extra-index-url \($0)" }.filter { !options.contains($0) }
        // As the requirements step: with more than one index, the best version among all, as pip.
        if files.indexSources + frameworkIndexes.count > 1 { options.append("--index-strategy unsafe-best-match") }
        guard let uv = kb.tool("uv") else { throw PlannerError.missingTool("uv") }
        let pins = try LocalPin.of(project, input.source)
        let findLinks = try FindLinksFolder.of(project, input.source)
        let read = pins.map(\.path) + findLinks.flatMap { f in f.files.keys.map { f.path + "/" + $0 } }
        return LockRequest(requirements: (specs + [cog] + files.requirements + direct).map { $0 + "\n" }.joined(),
                           constraints: constraints.map { $0 + "\n" }.joined(), options: options, python: resolved.python,
                           uvVersion: uv.version.description, choices: try LockChoice.of(resolved, kb: kb), inputs: LockInput.of(project),
                           frameworkPackages: frameworkNames, root: root, pins: pins, findLinks: findLinks, findLinksURLs: findLinksURLs,
                           baseImage: resolved.baseImage.reference, needsGit: needsGit,
                           modelFiles: LockModelFiles.of(read, project, input.source))
    }

    /// A `file://` URL of an absolute path, escaped, so that a space or an `@` in the model
    /// folder's own path cannot cut the line or be read as a ref.
    static func url(_ absolute: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "@#?;")
        return "file://" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute)
    }

    /// A URL, VCS or folder requirement as uv reads it in its container: a folder or repository of
    /// the model by its absolute path (checked to be in the build context, as a build needs it).
    static func direct(_ r: Requirement, root: String, _ input: BlockInput) throws -> String {
        let extras = r.extras.isEmpty ? "" : "[\(r.extras.joined(separator: ","))]"
        let marker = r.marker.map { " ; \($0)" } ?? ""
        func folder(_ path: String) throws -> String {
            guard input.source.files.contains(where: { $0.path.hasPrefix(path + "/") }) else {
                throw InputError(r.source, "\(path) has no files in the build context (.dockerignore leaves it out); keep the folder or remove the line")
            }
            guard (try? LockedPackage.checkModelPath(path)) != nil else {
                throw InputError(r.source, "\(LineText.quoted(path)): cogpack locks a folder whose path has no white space, `#`, `@` or `\\`; rename it")
            }
            return root + "/" + path
        }
        // A `file://` URL (extras need the bare path, pip's form).
        func url(_ absolute: String) -> String { Self.url(absolute) }
        switch r.origin {
        case .url, .vcs:
            guard !r.editable else {
                throw InputError(r.source, "cogpack locks an editable requirement of a folder of the model only; write the line without -e, or lock a folder")
            }
            return GeneratedRequirements.line(r.text, hashes: r.hashes)
        case .localVCS(let path, let suffix):
            guard !r.editable else {
                throw InputError(r.source, "cogpack locks an editable requirement of a folder of the model only; write the line without -e")
            }
            let vcs = "git+" + url(try folder(path)) + suffix
            return (r.name.map { "\($0)\(extras) @ \(vcs)" } ?? vcs) + marker
        case .directory(let path):
            let at = try folder(path)
            let unnamed = extras.isEmpty ? url(at) : at + extras
            if r.editable { return "-e " + unnamed + marker }
            return (r.name.map { "\($0)\(extras) @ \(url(at))" } ?? unnamed) + marker
        case .file(let path):
            guard input.source.exists(path) else {
                throw InputError(r.source, "\(path) is not in the build context (.dockerignore leaves it out); keep the file or remove the line")
            }
            guard (try? LockedPackage.checkModelPath(path)) != nil, !r.editable else {
                throw InputError(r.source, "\(LineText.quoted(path)): cogpack locks a package file whose path has no white space, `#`, `@` or `\\`, without -e; rename it")
            }
            let at = root + "/" + path
            return (r.name.map { "\($0)\(extras) @ \(url(at))" } ?? (extras.isEmpty ? url(at) : at + extras)) + marker
        case .index:
            preconditionFailure("an index requirement is no direct reference")
        }
    }

    /// The lock of uv's answer: `compiled` (the requirements format) and the target's `hashes`
    /// (the pylock format), for a lock of index packages only.
    public func lock(_ compiled: [UvCompileOutput.Package], hashes: [String: [PackageHash]]) throws -> LockFile {
        try lock(compiled, locked: compiled.compactMap { p in
            p.name.map { name in
                var l = UvCompileOutput.Locked(name: name, version: p.version)
                l.hashes = hashes[name] ?? []
                return l
            }
        }, work: "/")
    }

    /// The lock of uv's answer: `compiled` (the requirements format) and `locked` (the pylock
    /// format, written in the folder `work`). Each package goes with the framework when the
    /// framework needs it, else with the SDK when the SDK needs it, else with the other
    /// requirements; a URL, VCS or folder requirement goes with the other requirements.
    public func lock(_ compiled: [UvCompileOutput.Package], locked: [UvCompileOutput.Locked], work: String) throws -> LockFile {
        let rank: [LockedPackage.Stage] = [.framework, .cog, .app]
        var stage: [String: Int] = [:]
        for p in compiled {
            guard let name = p.name else { continue }
            stage[name] = p.reference != nil ? 2 : frameworkPackages.contains(name) ? 0 : name == CogRuntimeBlock.package ? 1 : 2
        }
        // What a package needs joins its stage, or an earlier one: a fixed point over `via`.
        var moved = true
        while moved {
            moved = false
            for p in compiled {
                guard let name = p.name, p.reference == nil else { continue }
                let best = p.via.compactMap { stage[$0] }.min() ?? 2
                if best < stage[name]! {
                    stage[name] = best
                    moved = true
                }
            }
        }
        let byName = Dictionary(compiled.compactMap { p in p.name.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        let packages = try locked.map { l -> LockedPackage in
            let uv = Provenance.flag("uv pip compile")
            let at = rank[stage[l.name] ?? 2]
            if let directory = l.directory {
                let absolute = directory.hasPrefix("/") ? directory : work + "/" + directory
                let path = ModelFolder.fold(absolute)
                guard path.hasPrefix(root + "/"), case let relative = String(path.dropFirst(root.count + 1)),
                      let pin = pins.first(where: { $0.kind == .folder && $0.path == relative }), let digest = pin.value else {
                    throw InputError(uv, "uv resolved \(l.name) from the folder \(directory), which is not a folder requirement of the model")
                }
                return LockedPackage(name: l.name, version: l.version, hashes: [], stage: .app, origin: .folder(path: relative, digest: digest, editable: l.editable))
            }
            if let commit = l.commit?.lowercased() {
                guard let line = byName[l.name]?.reference, let at = line.range(of: " @ "), case let reference = String(line[at.upperBound...]),
                      LocalRepository.isCommit(commit) else {
                    throw InputError(uv, "uv gave no reference with a commit for \(l.name)")
                }
                var written = reference
                if reference.hasPrefix("git+file://") {
                    // A repository of the model, recorded relative to it.
                    let encoded = String(reference.dropFirst("git+file://".count))
                    let local = encoded.removingPercentEncoding ?? encoded
                    guard local.hasPrefix(root + "/") else { throw InputError(uv, "uv resolved \(l.name) from \(reference), outside the model folder") }
                    written = "git+file:" + local.dropFirst(root.count + 1)
                }
                guard written.contains("@" + commit) else { throw InputError(uv, "uv wrote \(reference) for \(l.name), not at its commit \(commit)") }
                return LockedPackage(name: l.name, version: l.version, hashes: [], stage: .app, origin: .vcs(reference: written, commit: commit))
            }
            if let file = l.archivePath {
                let path = ModelFolder.fold(file.hasPrefix("/") ? file : work + "/" + file)
                guard path.hasPrefix(root + "/"), case let relative = String(path.dropFirst(root.count + 1)),
                      pins.contains(where: { $0.kind == .file && $0.path == relative }), !l.hashes.isEmpty else {
                    throw InputError(uv, "uv resolved \(l.name) from the file \(file), which is not a package file requirement of the model")
                }
                return LockedPackage(name: l.name, version: l.version, hashes: l.hashes, stage: .app, origin: .file(relative))
            }
            if !l.localWheels.isEmpty || !l.localSdists.isEmpty {
                return try findLinksPackage(l, version: l.version ?? byName[l.name]?.version, stage: at)
            }
            if let index = byName[l.name]?.index, index.hasPrefix("file:") {
                throw InputError(uv, "uv resolved \(l.name) from \(index) but named no file of it")
            }
            if let archive = l.archive {
                guard !l.hashes.isEmpty else { throw InputError(uv, "uv gave no hash of \(archive) (\(l.name))") }
                return LockedPackage(name: l.name, version: l.version, hashes: l.hashes, stage: .app, origin: .url(archive))
            }
            guard let version = l.version ?? byName[l.name]?.version else {
                throw InputError(uv, "uv gave no version of \(l.name)")
            }
            guard !l.hashes.isEmpty else {
                throw InputError(uv, "uv gave no hash of a file of \(l.name) \(version) for \(Self.platform) and Python \(python)")
            }
            return LockedPackage(name: l.name, version: version, hashes: l.hashes, stage: at, index: byName[l.name]?.index)
        }
        return LockFile(platform: Self.platform, uv: uvVersion, choices: choices, options: options, inputs: inputs, packages: packages,
                        findLinks: findLinks)
    }

    /// A package uv took from a `--find-links` folder of the model: the archive it would install
    /// (a wheel for the target before the sdist; of several wheels, the one with the most
    /// specific tags, as an installer prefers it), with the sha256 of the file as the model has
    /// it now, which uv does not give.
    private func findLinksPackage(_ l: UvCompileOutput.Locked, version: PEP440Version?, stage: LockedPackage.Stage) throws -> LockedPackage {
        let uv = Provenance.flag("uv pip compile")
        var candidates: [(folder: FindLinksFolder, name: String)] = []
        for url in l.localWheels.isEmpty ? l.localSdists : l.localWheels {
            let encoded = String(url.dropFirst("file://".count))
            let path = ModelFolder.fold(encoded.removingPercentEncoding ?? encoded)
            guard path.hasPrefix(root + "/"), case let relative = String(path.dropFirst(root.count + 1)),
                  let folder = findLinks.first(where: { relative.hasPrefix($0.path + "/") && !relative.dropFirst($0.path.count + 1).contains("/") }) else {
                throw InputError(uv, "uv resolved \(l.name) from \(url), which is not an archive of a --find-links folder of the model")
            }
            guard folder.files[String(relative.dropFirst(folder.path.count + 1))] != nil else {
                // uv's container holds what the build context holds (LockModelFiles); this guards
                // the build against an answer that says otherwise.
                throw InputError(folder.source, "uv took \(l.name) from \(relative), which is not in the build context (.dockerignore leaves it out); keep the file or take it out of the folder")
            }
            candidates.append((folder, String(relative.dropFirst(folder.path.count + 1))))
        }
        func specificity(_ name: String) -> Int {
            guard name.hasSuffix(".whl") else { return 0 }
            let tags = name.dropLast(4).split(separator: "-")
            guard tags.count >= 5 else { return 0 }
            return (tags[tags.count - 1] != "any" ? 2 : 0) + (tags[tags.count - 2] != "none" ? 1 : 0)
        }
        let best = candidates.max { a, b in
            let (sa, sb) = (specificity(a.name), specificity(b.name))
            return sa != sb ? sa < sb : b.name.utf8.lexicographicallyPrecedes(a.name.utf8)
        }!
        let path = best.folder.path + "/" + best.name
        guard let version else { throw InputError(uv, "uv gave no version of \(l.name)") }
        guard (try? LockedPackage.checkModelPath(path)) != nil, let hash = best.folder.files[best.name].flatMap(PackageHash.init) else {
            throw InputError(best.folder.source, "\(LineText.quoted(path)): cogpack locks an archive whose name has no white space, `#`, `@` or `\\`; rename it")
        }
        return LockedPackage(name: l.name, version: version, hashes: [hash], stage: stage, origin: .findLinks(folder: best.folder.path, path: path))
    }
}
