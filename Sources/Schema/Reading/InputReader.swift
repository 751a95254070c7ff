import Foundation

/// One parameter → its `InputField`: the type from the annotation, and the default and
/// constraints from `Input(...)` (or a plain literal default). Checks what Cog's runtime would
/// refuse at the first prediction, so that it fails here instead: a default outside its bounds,
/// outside its choices or lengths, and constraints on types they cannot apply to.
struct InputReader {
    let module: PythonModule
    let names: TypeNames
    var literals: LiteralReader { LiteralReader(module: module) }

    /// The arguments of cog's `Input()`, besides `default`.
    private static let keywords: Set<String> = ["default", "default_factory", "description", "ge", "le", "min_length", "max_length",
                                                "regex", "choices", "deprecated", "accept"]

    func field(_ p: PythonParameter, order: Int, method: String) throws -> InputField {
        guard let annotationExpression = p.annotation else {
            throw SchemaProblem("parameter '\(p.name)' on \(method) has no type annotation; write e.g. \(p.name): str")
        }
        let annotation: TypeAnnotation
        do { annotation = try TypeAnnotation(annotationExpression) } catch {
            throw SchemaProblem("parameter '\(p.name)': cannot read the annotation \(annotationExpression.text)")
        }
        var field: InputField
        do {
            field = InputField(name: p.name, order: order, type: try InputTypeResolver(names: names).resolve(annotation))
        } catch let problem as SchemaProblem {
            throw SchemaProblem("parameter '\(p.name)': \(problem.message)")
        }
        guard let d = p.defaultValue else { return field }
        if case .call(let callee, let arguments, let keywords) = d, isInput(callee) {
            try read(arguments: arguments, keywords: keywords, into: &field)
        } else {
            guard let v = literals.value(d) else {
                throw SchemaProblem("parameter '\(p.name)': default `\(d.text)` cannot be statically resolved; defaults must be literals (string, number, bool, None, list) or Input(...)")
            }
            field.defaultValue = v
        }
        try check(field)
        return field
    }

    /// `Input`, `cog.Input`, or an alias of cog's Input.
    private func isInput(_ callee: PythonExpression) -> Bool {
        guard case .name(let n) = callee else { return false }
        return module.imports.names(n, "Input", from: ["cog"])
    }

    private func read(arguments: [PythonExpression], keywords: [(name: String, value: PythonExpression)], into f: inout InputField) throws {
        let name = f.name
        func problem(_ s: String) -> SchemaProblem { SchemaProblem("parameter '\(name)': \(s)") }
        guard arguments.count <= 1 else { throw problem("Input() takes one positional argument (the default), found \(arguments.count)") }
        var given = keywords
        if let first = arguments.first {
            guard !keywords.contains(where: { $0.name == "default" }) else { throw problem("Input() got the default twice (positional and default=)") }
            given.insert(("default", first), at: 0)
        }
        for (key, value) in given {
            func number() throws -> Double {
                switch literals.value(value) {
                case .integer(let i)?: return Double(i)
                case .number(let d)?: return d
                default: throw problem("\(key)=\(value.text) must be a number")
                }
            }
            func count() throws -> Int {
                guard case .integer(let i)? = literals.value(value), i >= 0 else { throw problem("\(key)=\(value.text) must be a whole number, 0 or more") }
                return Int(i)
            }
            func string() throws -> String {
                guard case .string(let s)? = literals.value(value) else { throw problem("\(key)=\(value.text) must be a string literal") }
                return s
            }
            switch key {
            case "default":
                guard let v = literals.value(value) else {
                    throw problem("default `\(value.text)` cannot be statically resolved; defaults must be literals (string, number, bool, None, list)")
                }
                f.defaultValue = v
            case "default_factory":
                throw problem("default_factory is not supported in Input(); use a literal default value instead")
            case "description":
                guard case .string(let s)? = literals.value(value) else {
                    // Cog leaves out a description it cannot read; so does this.
                    continue
                }
                f.description = s
            case "ge": f.minimum = try number()
            case "le": f.maximum = try number()
            case "min_length": f.minLength = try count()
            case "max_length": f.maxLength = try count()
            case "regex": f.pattern = try string()
            case "choices":
                guard case .array(let items)? = literals.value(value) else {
                    throw problem("choices cannot be statically resolved; use a literal list instead (e.g. choices=[\"a\", \"b\"])")
                }
                f.choices = items
            case "deprecated":
                guard case .bool(let b)? = literals.value(value) else { throw problem("deprecated=\(value.text) must be True or False") }
                f.deprecated = b
            case "accept":
                f.accept = try string()
            default:
                throw problem("Input() has no argument '\(key)'; it takes \(Self.keywords.sorted().joined(separator: ", "))")
            }
        }
    }

    private func check(_ f: InputField) throws {
        func problem(_ s: String) -> SchemaProblem { SchemaProblem("parameter '\(f.name)': \(s)") }
        let element = f.type.element
        if f.type.isUnion, !f.choices.isEmpty || f.minimum != nil || f.maximum != nil || f.minLength != nil || f.maxLength != nil || f.pattern != nil {
            throw problem("constraints and choices are not supported on union inputs")
        }
        if f.accept != nil, element != .path, element != .file {
            throw problem("accept is only valid on Path or File inputs")
        }
        if f.minimum != nil || f.maximum != nil, element != .int, element != .float {
            throw problem("ge/le apply to int and float inputs, not \(f.type.element?.rawValue ?? "this type")")
        }
        if f.minLength != nil || f.maxLength != nil || f.pattern != nil, ![.str, .secret].contains(element) {
            throw problem("min_length, max_length and regex apply to str inputs, not \(f.type.element?.rawValue ?? "this type")")
        }
        if let lo = f.minimum, let hi = f.maximum, lo > hi {
            throw problem("ge=\(JSONRenderer.number(lo)) is above le=\(JSONRenderer.number(hi)): no value is allowed")
        }
        if let lo = f.minLength, let hi = f.maxLength, lo > hi {
            throw problem("min_length=\(lo) is above max_length=\(hi): no value is allowed")
        }
        if let pattern = f.pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
            throw problem("regex \(JSONRenderer.quoted(pattern)) is not a valid regular expression")
        }
        // The default is checked as each value of a list default.
        guard let d = f.effectiveDefault, d != .null else { return }
        let values: [JSONValue]
        if case .array(let items) = d, f.type.isArray { values = items } else { values = [d] }
        for v in values {
            let shown = JSONRenderer.render(v, pretty: false)
            if !f.choices.isEmpty, !f.choices.contains(where: { Self.same($0, v) }) {
                throw problem("default \(shown) is not one of the choices \(JSONRenderer.render(.array(f.choices), pretty: false))")
            }
            if let n = Self.numeric(v) {
                if let lo = f.minimum, n < lo { throw problem("default \(shown) is below ge=\(JSONRenderer.number(lo))") }
                if let hi = f.maximum, n > hi { throw problem("default \(shown) is above le=\(JSONRenderer.number(hi))") }
            }
            if case .string(let s) = v {
                if let lo = f.minLength, s.count < lo { throw problem("default \(shown) is shorter than min_length=\(lo)") }
                if let hi = f.maxLength, s.count > hi { throw problem("default \(shown) is longer than max_length=\(hi)") }
                if let pattern = f.pattern, let re = try? NSRegularExpression(pattern: pattern),
                   re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
                    throw problem("default \(shown) does not match regex \(JSONRenderer.quoted(pattern))")
                }
            }
        }
    }

    private static func numeric(_ v: JSONValue) -> Double? {
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// `5` and `5.0` are the same choice, as in Python.
    private static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        return a == b
    }
}
