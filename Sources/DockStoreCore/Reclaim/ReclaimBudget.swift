/// How long `dockstore reclaim` may balance: `90s`, `5m`, `1h`, `1h30m`, or plain seconds.
/// The room it made is given back after the budget, whatever that takes.
public enum ReclaimBudget {
    public static let defaultSeconds: Double = 300

    public static func parse(_ text: String, what: String = "--budget") throws -> Double {
        func bad(_ why: String) -> DockStoreError {
            DockStoreError.usage("\(what) '\(text)' \(why); give a duration like 90s, 5m or 1h (at most 24h)")
        }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw bad("is empty") }
        var total: Double = 0
        var digits = ""
        var sawUnit = false
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            default: throw bad("is not a duration")
            }
            guard let number = Double(digits), !digits.isEmpty else { throw bad("is not a duration") }
            total += number * unit
            digits = ""
            sawUnit = true
        }
        if !digits.isEmpty {
            // `1h30` is ambiguous: a number alone is seconds only when it is the whole value.
            guard !sawUnit, let number = Double(digits) else { throw bad("is not a duration") }
            total += number
        }
        guard total > 0 else { throw bad("is zero: reclaim would change nothing") }
        guard total <= 86_400 else { throw bad("is too long") }
        return total
    }
}
