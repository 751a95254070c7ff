import Basics
import CZ3
import Foundation
import Synchronization

/// A Z3 context and the handful of term builders the encoder needs. Terms live as long as the
/// context (no reference counting): a resolution is short and builds a few thousand terms.
///
/// A context is used by one thread at a time; it may be made on another (`prepare`), hence
/// `@unchecked Sendable`.
final class Z3Context: @unchecked Sendable {
    let raw: Z3_context

    /// Whether deleting this context and what it holds is left to the process's exit (see
    /// `prepare`).
    private(set) var isLeftToExit = false

    init() {
        _ = Self.heapForLargeBlocks
        let cfg = Z3_mk_config()
        Z3_set_param_value(cfg, "model", "true")
        raw = Z3_mk_context(cfg)
        Z3_del_config(cfg)
    }

    /// Making a context takes 7 to 10 ms here, nearly all of it the kernel handing out the
    /// 17 MB it first writes (page faults), every time in a new process. `prepare` makes one on
    /// another thread while the caller does something else (loading the rules); `make` takes
    /// it, waiting for it if it is still being made, or makes a new one.
    ///
    /// `leavingToExit`: that context is not deleted (3 ms, most of it giving back what it took):
    /// the process ends soon after, and the system takes it back at once. Contexts made later
    /// (a conflict's corrections are each resolved again) are deleted as usual, so that the
    /// next one reuses their memory instead of faulting in its own.
    static func prepare(leavingToExit: Bool) {
        prepared.withLock { slot in
            guard slot == nil else { return }
            slot = Background {
                let context = Z3Context()
                context.isLeftToExit = leavingToExit
                return context
            }
        }
    }

    /// Z3 takes its tables in blocks of several MB. With glibc's defaults, the heap grows for
    /// them and is trimmed back when a context is deleted, so every new context faulted its
    /// memory in again: 4 to 8 ms of making one, in a process that resolves many models (about
    /// 1 ms once the memory stays). Blocks up to glibc's largest threshold (32 MB) are kept on the
    /// heap, and up to 64 MB of free heap is kept for the next context. Process-wide, once.
    private static let heapForLargeBlocks: Void = {
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 64 << 20)
    }()

    static func make() -> Z3Context {
        let ready = prepared.withLock { slot -> Background<Z3Context>? in
            defer { slot = nil }
            return slot
        }
        return ready?.value ?? Z3Context()
    }

    private static let prepared = Mutex<Background<Z3Context>?>(nil)

    deinit {
        if !isLeftToExit { Z3_del_context(raw) }
    }

    typealias Term = Z3_ast

    /// Values are indices into a variable's domain, held in bit-vectors just wide enough for
    /// it: bit-vectors make Z3 reason by bit-blasting instead of linear arithmetic, which is
    /// faster on these equalities and about a third faster overall here, and the fewer bits a
    /// variable has, the less there is to blast (16 bits for every variable was about a fifth
    /// slower than widths from 1 to 9 bits).
    func indexVar(_ name: String, domain: Int) -> Term {
        Z3_mk_const(raw, Z3_mk_string_symbol(raw, name), indexSort(width: Self.width(domain)))
    }

    /// The bits that hold the indices `0..<domain`.
    static func width(_ domain: Int) -> Int {
        var bits = 1
        while (1 << bits) < domain { bits += 1 }
        return bits
    }

    func boolVar(_ name: String) -> Term {
        Z3_mk_const(raw, Z3_mk_string_symbol(raw, name), Z3_mk_bool_sort(raw))
    }

    /// The index `value` in the sort of `variable`.
    func int(_ value: Int, like variable: Term) -> Term {
        let width = Int(Z3_get_bv_sort_size(raw, Z3_get_sort(raw, variable)))
        precondition((0..<(1 << width)).contains(value), "domain index out of range")
        // Domains are small and the same few numerals are asked for thousands of times.
        while numerals[width].count <= value {
            numerals[width].append(Z3_mk_unsigned_int(raw, UInt32(numerals[width].count), indexSort(width: width)))
        }
        return numerals[width][value]
    }
    /// By width (an index, at most 64): appended in place, as the encoder asks for each numeral.
    private var numerals = [[Term]](repeating: [], count: 65)
    private var sorts: [Int: Z3_sort] = [:]
    private func indexSort(width: Int) -> Z3_sort {
        if let sort = sorts[width] { return sort }
        let sort = Z3_mk_bv_sort(raw, UInt32(width))!
        sorts[width] = sort
        return sort
    }
    var yes: Term { Z3_mk_true(raw) }
    var no: Term { Z3_mk_false(raw) }

    func eq(_ a: Term, _ b: Term) -> Term { Z3_mk_eq(raw, a, b) }
    func eq(_ a: Term, _ b: Int) -> Term { eq(a, int(b, like: a)) }
    func not(_ a: Term) -> Term { Z3_mk_not(raw, a) }
    func implies(_ a: Term, _ b: Term) -> Term { Z3_mk_implies(raw, a, b) }
    func iff(_ a: Term, _ b: Term) -> Term { Z3_mk_iff(raw, a, b) }
    func le(_ a: Term, _ b: Term) -> Term { Z3_mk_bvule(raw, a, b) }

    func and(_ xs: [Term]) -> Term {
        if xs.isEmpty { return yes }
        if xs.count == 1 { return xs[0] }
        let opt: [Z3_ast?] = xs
        return opt.withUnsafeBufferPointer { Z3_mk_and(raw, UInt32(xs.count), $0.baseAddress) }
    }

    func or(_ xs: [Term]) -> Term {
        if xs.isEmpty { return no }
        if xs.count == 1 { return xs[0] }
        let opt: [Z3_ast?] = xs
        return opt.withUnsafeBufferPointer { Z3_mk_or(raw, UInt32(xs.count), $0.baseAddress) }
    }

    /// `variable` takes one of `indices`: each run of neighbouring indices as one range (two
    /// comparisons, or one from index 0), the others as equalities. Domains are ordered by
    /// version, so what a table row or a request allows is mostly a run: blasted, a comparison
    /// is a few clauses where each equality of a run was its own. In the 100-model batch the
    /// solver's checks took about a fifth less.
    func among(_ variable: Term, _ indices: [Int]) -> Term {
        let sorted = indices.sorted()
        var parts: [Term] = []
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            let (lo, hi) = (sorted[start], sorted[end])
            if lo == hi {
                parts.append(eq(variable, lo))
            } else if lo == 0 {
                parts.append(le(variable, int(hi, like: variable)))
            } else {
                parts.append(and([le(int(lo, like: variable), variable), le(variable, int(hi, like: variable))]))
            }
            start = end + 1
        }
        return or(parts)
    }

    func id(of term: Term) -> UInt32 { Z3_get_ast_id(raw, term) }
}

/// An incremental solver over a context, checked under assumption literals so that an
/// unsatisfiable answer comes with the literals that caused it.
///
/// It is Z3's finite-domain solver: its SAT solver with the bit-vectors blasted into it,
/// incremental, with assumptions and cores. These problems are finite domains and Booleans only.
/// Against the general SMT core (`Z3_mk_simple_solver`), which explained choices until
/// 2026-11, it answered the searches of 100 generated models in about 0.6 of the time and their
/// cores in half; the choices are the objectives' and do not depend on the solver. The minimal
/// cores differ (a core is not unique): its first cores are smaller, and the reasons they give
/// name the requests (`gpu: true`, `torchaudio==0.12.1`) more often than an earlier choice.
final class Z3Solver {
    enum Outcome { case sat, unsat, unknown }

    private let z3: Z3Context
    private let raw: Z3_solver

    init(_ z3: Z3Context) {
        self.z3 = z3
        raw = Z3_mk_solver_for_logic(z3.raw, Z3_mk_string_symbol(z3.raw, "QF_FD"))
        Z3_solver_inc_ref(z3.raw, raw)
    }

    deinit {
        // What the context holds goes with it (see `Z3Context.prepare`).
        guard !z3.isLeftToExit else { return }
        forgetModel()
        Z3_solver_dec_ref(z3.raw, raw)
    }

    /// Whether the last check was satisfiable and nothing was asserted, pushed or popped since:
    /// then its model satisfies what is asserted now.
    private(set) var hasModel = false
    /// That check's model, once read: Z3 builds a model at some cost, and the search reads the
    /// same one more than once.
    private var model: Z3_model?

    private func forgetModel() {
        if let model { Z3_model_dec_ref(z3.raw, model) }
        model = nil
        hasModel = false
    }

    func assert(_ term: Z3Context.Term) {
        forgetModel()
        Z3_solver_assert(z3.raw, raw, term)
    }
    func push() {
        forgetModel()
        Z3_solver_push(z3.raw, raw)
    }
    func pop() {
        forgetModel()
        Z3_solver_pop(z3.raw, raw, 1)
    }

    func check(_ assumptions: [Z3Context.Term]) -> Outcome {
        forgetModel()
        let opt: [Z3_ast?] = assumptions
        let r = opt.withUnsafeBufferPointer {
            Z3_solver_check_assumptions(z3.raw, raw, UInt32(assumptions.count), $0.baseAddress)
        }
        hasModel = r == Z3_L_TRUE
        switch r {
        case Z3_L_TRUE: return .sat
        case Z3_L_FALSE: return .unsat
        default: return .unknown
        }
    }

    /// The assumption literals of the last unsatisfiable check, as term ids.
    func unsatCore() -> Set<UInt32> {
        let vec = Z3_solver_get_unsat_core(z3.raw, raw)
        Z3_ast_vector_inc_ref(z3.raw, vec)
        defer { Z3_ast_vector_dec_ref(z3.raw, vec) }
        var out = Set<UInt32>()
        for i in 0..<Z3_ast_vector_size(z3.raw, vec) {
            out.insert(z3.id(of: Z3_ast_vector_get(z3.raw, vec, i)))
        }
        return out
    }

    /// The value of an integer variable in the last satisfiable check's model.
    func value(of variable: Z3Context.Term) -> Int? { values(of: [variable])[0] }

    /// The values of integer variables in the last satisfiable check's model.
    func values(of variables: [Z3Context.Term]) -> [Int?] {
        if model == nil, hasModel, let m = Z3_solver_get_model(z3.raw, raw) {
            Z3_model_inc_ref(z3.raw, m)
            model = m
        }
        guard let model else { return variables.map { _ in nil } }
        return variables.map { variable in
            var out: Z3_ast?
            guard Z3_model_eval(z3.raw, model, variable, true, &out), let out else { return nil }
            var v: Int32 = 0
            guard Z3_get_numeral_int(z3.raw, out, &v) else { return nil }
            return Int(v)
        }
    }
}
