/// Sizes as dockerd 20.10 reads `default-shm-size`: opts.MemBytes.UnmarshalJSON hands the bytes
/// between the quotes, as written (a `\u0036` stays six bytes), to go-units' RAMInBytes, which
/// takes `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$` and then strconv.ParseFloat of the number
/// (so `1.2.3` is refused, and a number beyond a float64).
enum GoSize {
    static func ramInBytesAccepts(_ raw: [UInt8]) -> Bool { ramInBytes(raw) != nil }

    /// The size RAMInBytes computes before its int64 conversion (the number times 1024 per
    /// unit step), or nil where it returns "invalid size" or strconv's error. The conversion
    /// itself never fails: a value of 2^63 bytes or more becomes what the CPU makes of it
    /// (the lowest int64 on amd64), which dockerd's drivers take as a size all the same, so
    /// only whether it is below 1 (read as 0, "no limit") ever matters to them.
    static func ramInBytes(_ raw: [UInt8]) -> Double? {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < raw.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(raw[i]) { i += 1 }
            return i - start
        }
        guard digits() > 0 else { return nil }
        var dots = 0
        while i < raw.count, raw[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return nil }
            dots += 1
        }
        let number = String(decoding: raw[0..<i], as: UTF8.self)
        if i < raw.count, raw[i] == UInt8(ascii: " ") { i += 1 }
        var unit: UInt8? = nil
        if i < raw.count, "kKmMgGtTpP".utf8.contains(raw[i]) { unit = raw[i] | 0x20; i += 1 }
        for allowed in ["iI", "bB"] where i < raw.count && allowed.utf8.contains(raw[i]) { i += 1 }
        guard i == raw.count, dots <= 1, let value = Double(number), value.isFinite else { return nil }
        let steps: Double
        switch unit {
        case UInt8(ascii: "k"): steps = 1
        case UInt8(ascii: "m"): steps = 2
        case UInt8(ascii: "g"): steps = 3
        case UInt8(ascii: "t"): steps = 4
        case UInt8(ascii: "p"): steps = 5
        default: steps = 0
        }
        var result = value
        for _ in 0..<Int(steps) { result *= 1024 }
        return result
    }
}
