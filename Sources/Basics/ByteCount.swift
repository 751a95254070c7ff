/// A number of bytes as people read it, in the largest binary unit it reaches: `1.2 GiB`,
/// `340.0 MiB`, `12.0 KiB`, `512 B`. One writer for every size cogpack prints (push progress,
/// prune's summary), so that the same size reads the same everywhere.
public enum ByteCount {
    public static func text(_ bytes: Int64) -> String {
        let b = Double(bytes)
        if bytes >= 1 << 30 { return fixed(b / 1_073_741_824) + " GiB" }
        if bytes >= 1 << 20 { return fixed(b / 1_048_576) + " MiB" }
        if bytes >= 1 << 10 { return fixed(b / 1024) + " KiB" }
        return "\(bytes) B"
    }

    /// One decimal, halves rounded away from zero, without Foundation (a leaf module).
    private static func fixed(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
