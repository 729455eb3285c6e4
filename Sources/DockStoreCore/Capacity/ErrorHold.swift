/// How long `check` keeps new device errors CRITICAL after a run first saw them rise
/// (`--error-hold`, default 24h): a systemd-style time span, `N` seconds or `N` with `s`, `m`,
/// `h` or `d`. 0 keeps them CRITICAL only in the run that saw them rise.
public struct ErrorHold: Sendable, Equatable {
    public static let `default` = ErrorHold(seconds: 86_400)

    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public init(_ text: String, what: String = "--error-hold") throws {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var digits = Substring(text)
        var unit: Double = 1
        if let last = text.last, let factor = units[last] {
            digits = digits.dropLast()
            unit = factor
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let count = UInt32(digits), Double(count) * unit <= 366 * 86_400 else {
            throw DockStoreError.usage("\(what) '\(text)' is not a time span: give seconds, or a number with s, m, h or d, up to 366d (e.g. 24h; 0 holds a rise for the run that saw it only)")
        }
        seconds = Double(count) * unit
    }

    /// `24h`, `90m`, `2d`, `0s`: the largest unit that says it exactly (a day as `24h`).
    public var text: String {
        let whole = UInt64(seconds)
        if whole > 86_400, whole % 86_400 == 0 { return "\(whole / 86_400)d" }
        for (unit, size) in [("h", UInt64(3600)), ("m", 60)] where whole > 0 && whole % size == 0 {
            return "\(whole / size)\(unit)"
        }
        return "\(whole)s"
    }

    /// Whether a rise seen at `rose` is still held at `now`. A rise recorded after `now` (the
    /// clock was set back) is held: CRITICAL until the hold has passed, or a reset.
    public func holds(_ rose: Double, now: Double) -> Bool { now - rose < seconds }
}
