import Foundation

/// Turns the YAML of `rules/*.yaml` into typed rules, rejecting anything it does not understand.
enum RuleFileParser {
    static func rules(_ doc: YAMLValue) throws -> [Rule] {
        let top = try doc.mapping("a rules file", allowed: ["rules"])
        guard let list = top["rules"] else { throw doc.fail("a rules file needs a 'rules:' list") }
        return try list.sequence("rules").map(rule)
    }

    static func rule(_ v: YAMLValue) throws -> Rule {
        let m = try v.mapping("a rule", allowed: ["id", "message", "when", "apt", "require", "python", "needs_toolkit", "floor",
                                                          "toolkit_major", "prefer"])
        guard let id = try m["id"]?.string("id"), !id.isEmpty else { throw v.fail("a rule needs an 'id'") }
        guard let message = try m["message"]?.string("message") else { throw v.fail("rule '\(id)' needs a 'message'") }
        let when = try m["when"].map(Condition.parse) ?? Condition()
        var consequences: [Rule.Consequence] = []
        if let apt = m["apt"] { consequences.append(.apt(try apt.strings("apt"))) }
        if let req = m["require"] {
            let r = try req.mapping("require", allowed: ["package", "version"])
            guard let p = try r["package"]?.string("require.package"), let vtext = try r["version"]?.string("require.version"),
                  let spec = PEP440SpecifierSet(vtext) else {
                throw req.fail("require needs a package and a PEP 440 version such as \"==2.1.2\"")
            }
            consequences.append(.pin(package: PackageName.normalize(p), version: spec))
        }
        if let py = m["python"] {
            let text = try py.string("python")
            guard let spec = PEP440SpecifierSet(text) else { throw py.fail("python '\(text)' is not a specifier such as \">=3.10\"") }
            consequences.append(.python(spec))
        }
        if let t = m["needs_toolkit"] {
            guard try t.bool("needs_toolkit") else { throw t.fail("needs_toolkit can only be true; remove the rule instead") }
            consequences.append(.needsToolkit)
        }
        if let f = m["floor"] {
            let text = try f.string("floor")
            guard let floor = Rule.DriverFloor(rawValue: text) else { throw f.fail("floor must be compat or toolkit") }
            consequences.append(.driverFloor(floor))
        }
        if let t = m["toolkit_major"] {
            guard try t.string("toolkit_major") == "wheels" else {
                throw t.fail("toolkit_major can only be wheels (the toolkit's CUDA major is the wheels' CUDA major)")
            }
            consequences.append(.toolkitMatchesWheelsMajor)
        }
        if let p = m["prefer"] {
            let pm = try p.mapping("prefer", allowed: ["variable", "value"])
            guard let name = try pm["variable"]?.string("prefer.variable"), let valueNode = pm["value"] else {
                throw p.fail("prefer needs a variable and a value, such as {variable: cuda, value: \"11.8\"}")
            }
            let variable = ResolverVariable(name: name)
            guard [.cuda, .cudaToolkit, .python].contains(variable) else {
                throw p.fail("prefer.variable '\(name)' must be cuda, cuda_toolkit or python")
            }
            let text = try valueNode.versionText("prefer.value")
            guard let value = DottedVersion(text) else { throw valueNode.fail("prefer.value '\(text)' is not a version such as \"11.8\"") }
            consequences.append(.prefer(variable: variable, value: value))
        }
        guard consequences.count == 1, let consequence = consequences.first else {
            throw v.fail("rule '\(id)' must say exactly one of apt, require, python, needs_toolkit, floor, toolkit_major, prefer")
        }
        if case .apt = consequence, (when.package == nil) == (when.command == nil) {
            throw v.fail("apt rule '\(id)' must name either when.package (a Python package needs them) or when.command (a run: line calls it)")
        }
        return Rule(id: id, message: message, when: when, consequence: consequence, source: v.provenance)
    }

    static func tools(_ doc: YAMLValue) throws -> [BuildTool] {
        let top = try doc.mapping("the build tools file", allowed: ["tools"])
        guard let list = top["tools"] else { throw doc.fail("the build tools file needs a 'tools:' list") }
        return try list.sequence("tools").map { v in
            let m = try v.mapping("a tool", allowed: ["id", "package", "version", "message"])
            guard let id = try m["id"]?.string("id"), let package = try m["package"]?.string("package"),
                  let versionNode = m["version"], let message = try m["message"]?.string("message") else {
                throw v.fail("a tool needs id, package, version and message")
            }
            let text = try versionNode.versionText("version")
            guard let version = PEP440Version(text) else { throw versionNode.fail("'\(text)' is not a version") }
            return BuildTool(id: id, package: PackageName.normalize(package), version: version, message: message, source: v.provenance)
        }
    }

    static func objectives(_ doc: YAMLValue) throws -> [Objective] {
        let top = try doc.mapping("the objectives file", allowed: ["objectives"])
        guard let list = top["objectives"] else { throw doc.fail("the objectives file needs an 'objectives:' list") }
        return try list.sequence("objectives").map { v in
            let m = try v.mapping("an objective", allowed: ["id", "variable", "prefer", "message", "near"])
            guard let id = try m["id"]?.string("id"), let variable = try m["variable"]?.string("variable"),
                  let preferText = try m["prefer"]?.string("prefer"), let message = try m["message"]?.string("message") else {
                throw v.fail("an objective needs id, variable, prefer and message")
            }
            guard let prefer = Objective.Preference(rawValue: preferText) else {
                throw m["prefer"]!.fail("prefer must be newest, oldest or smallest")
            }
            let near = try m["near"].map { ResolverVariable(name: try $0.string("near")) }
            if let near, ![.cuda, .cudaToolkit, .python].contains(near) {
                throw m["near"]!.fail("near must be cuda, cuda_toolkit or python")
            }
            return Objective(id: id, variable: ResolverVariable(name: variable), prefer: prefer, message: message, near: near,
                             source: v.provenance)
        }
    }

    static func frameworks(_ doc: YAMLValue) throws -> [Framework] {
        let top = try doc.mapping("the frameworks file", allowed: ["frameworks"])
        guard let list = top["frameworks"] else { throw doc.fail("the frameworks file needs a 'frameworks:' list") }
        var owner: [String: String] = [:]
        return try list.sequence("frameworks").map { v in
            let m = try v.mapping("a framework", allowed: ["id", "message", "packages", "index", "gpu_extra", "brings_cuda_runtime"])
            guard let id = try m["id"]?.string("id"), !id.isEmpty, let message = try m["message"]?.string("message"),
                  let packagesNode = m["packages"] else {
                throw v.fail("a framework needs id, message and packages")
            }
            let packages = try packagesNode.strings("packages").map(PackageName.normalize)
            guard !packages.isEmpty else { throw packagesNode.fail("framework '\(id)' needs at least one package") }
            for p in packages {
                if let other = owner[p] { throw packagesNode.fail("package '\(p)' is in both \(other) and \(id); a package belongs to one framework") }
                owner[p] = id
            }
            let index = try m["index"]?.string("index")
            if let index, !(index.hasPrefix("https://") && index.contains("{variant}")) {
                throw m["index"]!.fail("index '\(index)' must be an https:// URL with {variant} where the variant goes")
            }
            var extra: Framework.GPUExtra?
            if let e = m["gpu_extra"] {
                let em = try e.mapping("gpu_extra", allowed: ["extra", "versions"])
                guard let name = try em["extra"]?.string("gpu_extra.extra"), !name.isEmpty else {
                    throw e.fail("gpu_extra needs an extra, such as and-cuda or {variant}")
                }
                var versions: PEP440SpecifierSet?
                if let vnode = em["versions"] {
                    let text = try vnode.string("gpu_extra.versions")
                    guard let set = PEP440SpecifierSet(text) else { throw vnode.fail("gpu_extra.versions '\(text)' is not a specifier such as \">=2.15\"") }
                    versions = set
                }
                extra = .init(extra: name, versions: versions)
            }
            var runtime: PEP440SpecifierSet?
            if let r = m["brings_cuda_runtime"] {
                let text = try r.string("brings_cuda_runtime")
                guard let set = PEP440SpecifierSet(text) else {
                    throw r.fail("brings_cuda_runtime '\(text)' is not a specifier such as \">=2.0\" (the releases whose GPU wheels bring their CUDA runtime)")
                }
                runtime = set
            }
            return Framework(id: id, message: message, packages: packages, indexTemplate: index, gpuExtra: extra, cudaRuntime: runtime,
                             source: v.provenance)
        }
    }

    static func catalog(_ doc: YAMLValue, matrix: CudaMatrix) throws -> BaseImageCatalog {
        let top = try doc.mapping("the base image catalog", allowed: ["python_install_mb", "images"])
        let installMB = try top["python_install_mb"]?.int("python_install_mb") ?? 0
        guard let list = top["images"] else { throw doc.fail("the catalog needs an 'images:' list") }
        var images: [BaseImage] = []
        for v in try list.sequence("images") {
            let m = try v.mapping("a base image entry", allowed: [
                "id", "message", "image", "pythons", "os", "size_mb", "from_matrix", "sets_require_cuda"])
            guard let id = try m["id"]?.string("id"), let message = try m["message"]?.string("message"),
                  let size = try m["size_mb"]?.int("size_mb") else {
                throw v.fail("a base image entry needs id, message and size_mb")
            }
            let requireCuda = try m["sets_require_cuda"]?.bool("sets_require_cuda") ?? false
            if let from = m["from_matrix"] {
                guard try from.string("from_matrix") == "cuda_images" else { throw from.fail("from_matrix can only be cuda_images") }
                for row in matrix.cudaImages {
                    images.append(BaseImage(id: id, reference: row.image, os: row.os, python: nil, cuda: row.cuda,
                                            cudnn: row.cudnn, flavor: row.flavor, sizeMB: size,
                                            setsRequireCuda: requireCuda, message: message, source: row.source))
                }
                continue
            }
            guard let template = try m["image"]?.string("image"), let os = try m["os"]?.string("os") else {
                throw v.fail("base image '\(id)' needs image and os (or from_matrix)")
            }
            if let pythons = m["pythons"] {
                guard template.contains("{python}") else { throw v.fail("image '\(template)' lists pythons but has no {python} in its name") }
                for p in try pythons.sequence("pythons") {
                    let text = try p.versionText("python")
                    guard let py = DottedVersion(text) else { throw p.fail("'\(text)' is not a Python version") }
                    images.append(BaseImage(id: id, reference: template.replacingOccurrences(of: "{python}", with: py.text),
                                            os: os, python: py, cuda: nil, cudnn: nil, flavor: nil, sizeMB: size,
                                            setsRequireCuda: requireCuda, message: message, source: v.provenance))
                }
            } else {
                images.append(BaseImage(id: id, reference: template, os: os, python: nil, cuda: nil, cudnn: nil,
                                        flavor: nil, sizeMB: size, setsRequireCuda: requireCuda, message: message,
                                        source: v.provenance))
            }
        }
        return BaseImageCatalog(images: images, pythonInstallMB: installMB, source: doc.provenance)
    }
}
