/// How long `dockstore reclaim` may balance: `90s`, `5m`, `2min`, `1h`, `1h30m`, or plain seconds.
/// The room it made is given back after the budget, whatever that takes.
public enum ReclaimBudget {
    public static let defaultSeconds: Double = 300

    static let units: [String: Double] = [
        "s": 1, "sec": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    ]

    public static func parse(_ text: String, what: String = "--budget") throws -> Double {
        func bad(_ why: String) -> DockStoreError {
            DockStoreError.usage("\(what) '\(text)' \(why); give a duration like 90s, 5m or 1h (at most 24h)")
        }
        // Spaces only: a CR or newline pasted into a unit file or a script is a mistake to say.
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { throw bad("holds a control character") }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw bad("is empty") }
        // Units as systemd.time(7) spells them, so a unit file's `--budget 2min` means what
        // systemd's own settings would: s/sec/second(s), m/min/minute(s), h/hr/hour(s).
        var total: Double = 0
        var digits = ""
        var unitText = ""
        var sawUnit = false
        func flush() throws {
            guard !digits.isEmpty, let number = Double(digits) else { throw bad("is not a duration") }
            guard let unit = Self.units[unitText] else { throw bad("is not a duration") }
            total += number * unit
            digits = ""
            unitText = ""
            sawUnit = true
        }
        for character in trimmed where character != " " {
            if character.isASCII, character.isNumber {
                if !unitText.isEmpty { try flush() }
                digits.append(character)
            } else if character.isASCII, character.isLetter {
                unitText.append(character)
            } else {
                throw bad("is not a duration")
            }
        }
        if !unitText.isEmpty {
            try flush()
        } else if !digits.isEmpty {
            // `1h30` is ambiguous: a number alone is seconds only when it is the whole value.
            guard !sawUnit, let number = Double(digits) else { throw bad("is not a duration") }
            total += number
        }
        guard total > 0 else { throw bad("is zero: reclaim would change nothing") }
        guard total <= 86_400 else { throw bad("is too long") }
        return total
    }
}
