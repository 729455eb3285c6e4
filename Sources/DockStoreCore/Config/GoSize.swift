/// Sizes as dockerd 20.10 reads `default-shm-size`: opts.MemBytes.UnmarshalJSON hands the bytes
/// between the quotes, as written (a `\u0036` stays six bytes), to go-units' RAMInBytes, which
/// takes `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$` and then strconv.ParseFloat of the number
/// (so `1.2.3` is refused, and a number beyond a float64).
enum GoSize {
    static func ramInBytesAccepts(_ raw: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < raw.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(raw[i]) { i += 1 }
            return i - start
        }
        guard digits() > 0 else { return false }
        var dots = 0
        while i < raw.count, raw[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
            dots += 1
        }
        let number = String(decoding: raw[0..<i], as: UTF8.self)
        if i < raw.count, raw[i] == UInt8(ascii: " ") { i += 1 }
        for allowed in ["kKmMgGtTpP", "iI", "bB"] where i < raw.count && allowed.utf8.contains(raw[i]) { i += 1 }
        guard i == raw.count, dots <= 1, let value = Double(number), value.isFinite else { return false }
        return true
    }
}
