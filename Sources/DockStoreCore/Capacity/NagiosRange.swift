/// A threshold in the Nagios plugin range syntax (monitoring-plugins guidelines §3.3):
/// `10` alerts outside 0…10, `10:` below 10, `~:10` above 10, `10:20` outside 10…20,
/// `@10:20` inside 10…20. Ends may be bytes (`10G`, `512MiB`) or percent (`20%`) of a base.
/// Both ends of one range use the same unit, so the range is checked when it is parsed:
/// a start above its end is refused for bytes and percents alike.
public struct NagiosRange: Sendable, Equatable, CustomStringConvertible {
    public enum End: Sendable, Equatable {
        case bytes(Double)
        case percent(Double)

        func resolve(_ base: UInt64) -> Double {
            switch self {
            case .bytes(let b): return b
            case .percent(let p): return Double(base) * p / 100
            }
        }

        var isPercent: Bool { if case .percent = self { return true } else { return false } }

        /// `512 MiB`, or `20% (2 GiB)` when the base is known.
        func human(_ base: UInt64) -> String {
            switch self {
            case .bytes(let b): return ByteSize.format(UInt64(max(0, b)))
            case .percent(let p):
                let text = p == p.rounded() ? "\(Int(p))%" : "\(p)%"
                return base == 0 ? text : "\(text) (\(ByteSize.format(UInt64(resolve(base)))))"
            }
        }
    }

    public var low: End?
    public var high: End?
    public var inside: Bool
    public let text: String

    public init(_ text: String, what: String) throws {
        self.text = text
        var body = Substring(text.trimmingWhitespace())
        func bad(_ why: String) -> DockStoreError {
            DockStoreError.usage("\(what) '\(text)' \(why); use Nagios range syntax, e.g. 20%: (alert below 20%), 10G: , ~:90% or @1G:5G")
        }
        guard !body.isEmpty else { throw bad("is empty") }
        inside = body.hasPrefix("@")
        if inside { body = body.dropFirst() }
        func end(_ s: Substring) throws -> End {
            if s.hasSuffix("%") {
                guard let p = Double(s.dropLast()), p >= 0, p <= 100 else { throw bad("has a bad percentage") }
                return .percent(p)
            }
            do { return .bytes(Double(try ByteSize.parse(String(s), what: what))) } catch { throw bad("has a bad value '\(s)'") }
        }
        if let colon = body.firstIndex(of: ":") {
            let l = body[..<colon], h = body[body.index(after: colon)...]
            if (l.isEmpty || l == "~") && h.isEmpty { throw bad("has no bound") }
            low = l == "~" ? nil : (l.isEmpty ? .bytes(0) : try end(l))
            high = h.isEmpty ? nil : try end(h)
        } else {
            low = .bytes(0)
            high = try end(body)
        }
        if let l = low, let h = high {
            let zeroStart = l == .bytes(0)
            if l.isPercent != h.isPercent && !zeroStart { throw bad("mixes bytes and a percentage; write both ends in one unit") }
            if l.resolve(100) > h.resolve(100) { throw bad("has its start above its end") }
        }
    }

    /// `N:` — alerts below `bytes`; for defaults computed from the figures.
    init(below bytes: Double) {
        low = .bytes(bytes)
        high = nil
        inside = false
        text = "\(UInt64(bytes)):"
    }

    public var description: String { text }

    /// True when `value` should raise an alert, percentages taken of `base`.
    public func alerts(_ value: UInt64, base: UInt64) -> Bool {
        let v = Double(value)
        let below = low.map { v < $0.resolve(base) } ?? false
        let above = high.map { v > $0.resolve(base) } ?? false
        let outside = below || above
        return inside ? !outside : outside
    }

    /// What the range alerts on, in the units a person reads: `below 20% (2 GiB)`,
    /// `above 512 MiB`, `outside 1 GiB to 5 GiB`, `inside 1 GiB to 5 GiB`.
    public func human(base: UInt64) -> String {
        let startsAtZero = low == .bytes(0) || low == .percent(0)
        switch (low, high, inside) {
        case (let l?, nil, false): return "below \(l.human(base))"
        case (let l?, nil, true): return "at or above \(l.human(base))"
        case (nil, let h?, false): return "above \(h.human(base))"
        case (nil, let h?, true): return "at or below \(h.human(base))"
        case (_?, let h?, false) where startsAtZero: return "above \(h.human(base))"
        case (let l?, let h?, false): return "outside \(l.human(base)) to \(h.human(base))"
        case (let l?, let h?, true): return "inside \(l.human(base)) to \(h.human(base))"
        default: return text
        }
    }

    /// The range with its ends in bytes, for Nagios perfdata.
    public func perfdata(base: UInt64) -> String {
        func f(_ e: End?) -> String { e.map { String(UInt64(max(0, $0.resolve(base)))) } ?? "" }
        let lowText = low.map { _ in f(low) } ?? "~"
        return (inside ? "@" : "") + (lowText == "0" && !inside && high != nil ? "" : lowText + ":") + f(high)
    }
}
