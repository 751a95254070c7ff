import Rules

/// Why a signature has no schema, without its place: the reader that knows the line adds it.
struct SchemaProblem: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Input annotations → `InputType`, with Cog's rules: scalars, `dict` (any JSON object),
/// `list[X]` of a scalar, `Optional[X]` / `X | None`, and unions of JSON scalars and lists.
struct InputTypeResolver {
    let names: TypeNames

    func resolve(_ a: TypeAnnotation) throws -> InputType {
        switch a {
        case .simple(let name):
            switch try names.meaning(of: name) {
            case .local(let c, _):
                throw SchemaProblem("unsupported input type \(c.name): a class is not an input type; inputs are str, int, float, bool, Path, File, Secret, dict, list[...] or Optional[...]")
            case .foreign(let n, let module, let note):
                throw SchemaProblem(Self.foreign(n, module, note: note))
            case .known(let bare):
                if bare == "dict" || bare == "Dict" { return InputType(.any) }
                guard let p = PrimitiveType(pythonName: bare) else {
                    throw SchemaProblem("unsupported input type \(name): inputs are str, int, float, bool, Path, File, Secret, dict, list[...] or Optional[...]")
                }
                return .primitive(p)
            }
        case .generic(let name, let args):
            guard case .known(let outer) = try names.meaning(of: name) else {
                throw SchemaProblem("unsupported input type \(a.text): \(name)[...] is not a supported input type")
            }
            switch outer {
            case "dict", "Dict": return InputType(.any)
            case "Optional":
                guard args.count == 1 else { throw SchemaProblem("Optional takes exactly one type, found \(args.count) in \(a.text)") }
                var inner = try resolve(args[0])
                inner.nullable = true
                return inner
            case "Union": return try union(args)
            case "Annotated":
                return try resolve(args[0])
            case "list", "List":
                guard args.count == 1 else { throw SchemaProblem("list takes exactly one type, found \(args.count) in \(a.text)") }
                let inner = try resolve(args[0])
                if inner.nullable || inner.isArray || inner.isUnion {
                    throw SchemaProblem("unsupported input type \(a.text): nested generics such as List[Optional[X]] are not supported")
                }
                return InputType(.array(inner))
            default:
                throw SchemaProblem("unsupported input type \(a.text): \(outer)[...] is not a supported input type")
            }
        case .union(let members):
            return try union(members)
        }
    }

    private func union(_ members: [TypeAnnotation]) throws -> InputType {
        var variants: [InputType] = []
        var nullable = false
        for m in members {
            if m.isNone { nullable = true; continue }
            let v = try resolve(m)
            if v.isUnion { throw SchemaProblem("unsupported input type: nested unions are not supported") }
            variants.append(v)
        }
        guard let first = variants.first else { throw SchemaProblem("unsupported input type: a union needs a type other than None") }
        if variants.count == 1 {
            var only = first
            only.nullable = only.nullable || nullable
            return only
        }
        for v in variants {
            if v.nullable { throw SchemaProblem("unsupported input type: nullable variants inside a union are not supported") }
            if let p = v.element, [.path, .file, .secret].contains(p) {
                throw SchemaProblem("unsupported input type: \(p.rawValue) is not supported in a union input")
            }
        }
        return InputType(.union(variants), nullable: nullable)
    }

    static func foreign(_ name: String, _ module: String, note: String? = nil) -> String {
        let message = "cannot resolve type '\(name)' (imported from '\(module)'): types from other packages cannot be read without running them; define it as a BaseModel subclass in this file or another file of the model, or use a JSON type (dict, str...)"
        return note.map { message + "; " + $0 } ?? message
    }
}

/// Return annotations → `OutputType`, with Cog's rules: nesting is free (lists of dicts of
/// lists), `BaseModel` classes become objects, iterators stream; `Optional` is not an output.
struct OutputTypeResolver {
    let names: TypeNames

    func resolve(_ a: TypeAnnotation, seen: Set<String> = []) throws -> OutputType {
        switch a {
        case .simple(let name):
            switch try names.meaning(of: name) {
            case .local(let c, let home):
                let there = names.names(in: home)
                guard there.isModel(c) else {
                    let place = home.path == names.scope.path ? "" : " (\(home.file):\(c.line))"
                    throw SchemaProblem("unsupported output type \(c.name)\(place): a class returned by a predictor must be a BaseModel subclass (class \(c.name)(BaseModel))")
                }
                // A model that contains itself is an opaque object where it recurs, as Cog writes it.
                // Cog knows a model by the name the annotation writes: one reached again under an
                // alias (`from a import A as AA`) is expanded once more before it is cut.
                if seen.contains(name) { return .any }
                return try OutputTypeResolver(names: there).model(c, seen: seen.union([name]))
            case .foreign(let n, let module, let note):
                throw SchemaProblem(InputTypeResolver.foreign(n, module, note: note))
            case .known(let bare):
                switch bare {
                case "Any", "dict", "Dict": return .any
                case "list", "List": return .array(.any)
                case "None": throw SchemaProblem("unsupported output type None: a predictor must return a value; annotate the type it returns")
                default:
                    guard let p = PrimitiveType(pythonName: bare) else {
                        throw SchemaProblem("cannot resolve type '\(name)': it is not a primitive type (str, int, float, bool, Path, File) and no BaseModel of that name is in this file")
                    }
                    return .primitive(p)
                }
            }
        case .generic(let name, let args):
            guard case .known(let outer) = try names.meaning(of: name) else {
                throw SchemaProblem("unsupported output type \(a.text): \(name)[...] is not a supported output type")
            }
            switch outer {
            case "dict", "Dict":
                guard args.count == 2 else { throw SchemaProblem("dict takes a key and a value type, as dict[str, int]") }
                return .dict(try resolve(args[1], seen: seen))
            case "Optional":
                throw SchemaProblem("unsupported output type \(a.text): Optional is not allowed as a return type")
            case "Union":
                if args.contains(where: \.isNone) { throw SchemaProblem("unsupported output type \(a.text): Optional is not allowed as a return type") }
                throw SchemaProblem("unsupported output type \(a.text): union types are not supported as output")
            case "Annotated":
                return try resolve(args[0], seen: seen)
            case "list", "List":
                guard args.count == 1 else { throw SchemaProblem("list takes exactly one type, found \(args.count) in \(a.text)") }
                return .array(try resolve(args[0], seen: seen))
            case "Iterator", "AsyncIterator", "Generator", "AsyncGenerator", "Iterable":
                guard ["Iterator", "AsyncIterator"].contains(outer), args.count == 1 else {
                    throw SchemaProblem("unsupported output type \(a.text): streamed outputs are Iterator[T] or AsyncIterator[T]")
                }
                return .iterator(try resolve(args[0], seen: seen))
            case "ConcatenateIterator", "AsyncConcatenateIterator":
                guard args.count == 1, case .simple(let element) = args[0], try names.isKnown(element, "str") else {
                    throw SchemaProblem("ConcatenateIterator element type must be str, got \(args.map(\.text).joined(separator: ", "))")
                }
                return .concatenateIterator
            default:
                throw SchemaProblem("unsupported output type \(a.text): \(outer)[...] is not a supported output type")
            }
        case .union(let members):
            if members.contains(where: \.isNone) { throw SchemaProblem("unsupported output type \(a.text): Optional is not allowed as a return type") }
            throw SchemaProblem("unsupported output type \(a.text): union types are not supported as output")
        }
    }

    /// A BaseModel's annotated fields, in order, its names read in its own file. `Optional[X]`
    /// fields are nullable and not required; a field with a default is not required.
    private func model(_ c: PythonClass, seen: Set<String>) throws -> OutputType {
        var fields: [OutputType.Field] = []
        for f in c.fields {
            // At the field's line in the class's file, which may be another than the predictor's.
            func problem(_ message: String) -> InputError {
                InputError(Provenance(file: names.scope.file, line: f.line), "field \(f.name) of \(c.name): \(message)")
            }
            let annotation: TypeAnnotation
            do { annotation = try TypeAnnotation(f.annotation) } catch { throw problem("cannot read the annotation \(f.annotation.text)") }
            let type: OutputType
            var nullable = false
            do {
                if let inner = try optionalInner(annotation) {
                    nullable = true
                    type = try resolve(inner, seen: seen)
                } else {
                    type = try resolve(annotation, seen: seen)
                }
            } catch let p as SchemaProblem { throw problem(p.message) }
            fields.append(.init(name: f.name, type: type, nullable: nullable, required: !nullable && f.value == nil))
        }
        return .object(fields)
    }

    private func optionalInner(_ a: TypeAnnotation) throws -> TypeAnnotation? {
        switch a {
        case .generic(let n, let args) where try names.isKnown(n, "Optional") && args.count == 1: return args[0]
        case .generic(let n, let args) where try names.isKnown(n, "Union") && args.count == 2 && args.contains(where: \.isNone):
            return args.first { !$0.isNone }
        case .union(let members) where members.count == 2 && members.contains(where: \.isNone):
            return members.first { !$0.isNone }
        default: return nil
        }
    }
}
