/// Sizes as people type them (`100G`, `100GiB`, `512M`, `1TB`, `4096`) and as dockstore prints them.
///
/// As in util-linux: a bare letter or an `iB` suffix is a power of 1024, an `B` after the
/// letter a power of 1000; a number alone is bytes. Only whole numbers are accepted.
public enum ByteSize {
    private static let letters: [Character] = ["K", "M", "G", "T", "P", "E"]

    public static func parse(_ text: String, what: String) throws -> UInt64 {
        let trimmed = text.trimmingWhitespace()
        let digits = trimmed.prefix(while: { $0.isASCII && $0.isNumber })
        let suffix = trimmed.dropFirst(digits.count).uppercased()
        func bad(_ why: String) -> DockStoreError {
            DockStoreError.usage("\(what) '\(text)' \(why); write it like 100G, 512MiB, 1TB or a number of bytes")
        }
        guard !digits.isEmpty else {
            if trimmed.hasPrefix("-") { throw bad("is negative") }
            throw bad("is not a size")
        }
        if suffix.hasPrefix(".") || suffix.hasPrefix(",") { throw bad("is not a whole number") }
        guard let number = UInt64(digits) else { throw bad("is too large") }
        let multiplier: UInt64
        if suffix.isEmpty || suffix == "B" {
            multiplier = 1
        } else if let letter = suffix.first, let index = letters.firstIndex(of: letter) {
            let rest = suffix.dropFirst()
            let base: UInt64
            switch rest {
            case "", "IB": base = 1024
            case "B": base = 1000
            default: throw bad("has an unknown unit '\(suffix)'")
            }
            var m: UInt64 = 1
            for _ in 0...index { m = m &* base }
            multiplier = m
        } else {
            throw bad("has an unknown unit '\(suffix)'")
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, value <= UInt64(Int64.max) else { throw bad("is too large") }
        return value
    }

    /// `100 GiB`, `512 MiB`, `1.5 GiB`, `4096 B`: binary units, at most one decimal.
    public static func format(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var unit = 0
        var scaled = Double(bytes)
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = (scaled * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 {
            return "\(Int(tenths / 10)) \(units[unit])"
        }
        return "\(Int(tenths) / 10).\(Int(tenths) % 10) \(units[unit])"
    }

    /// `bytes` as an option value `parse` reads back exactly: `2G`, `512M`, else the bytes.
    public static func argument(_ bytes: UInt64) -> String {
        for (letter, shift) in [("T", 40), ("G", 30), ("M", 20)] as [(String, UInt64)] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(letter)"
        }
        return "\(bytes)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
