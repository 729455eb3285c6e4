/// An EBS volume id, `vol-` and 8 or 17 hex digits. On Nitro instances the NVMe serial
/// holds it without the dash (`vol0abc…`); both spellings are accepted.
public struct EBSVolumeID: Hashable, Sendable, CustomStringConvertible {
    /// The hex digits after `vol-`, lowercase.
    public let digits: String

    public init?(_ text: String) {
        let lower = text.trimmingWhitespace().lowercased()
        let rest: Substring
        if lower.hasPrefix("vol-") { rest = lower.dropFirst(4) }
        else if lower.hasPrefix("vol") { rest = lower.dropFirst(3) }
        else { return nil }
        guard rest.count == 8 || rest.count == 17, rest.allSatisfy({ $0.isHexDigit }) else { return nil }
        digits = String(rest)
    }

    public init(parsing text: String, what: String) throws {
        guard let id = EBSVolumeID(text) else {
            throw DockStoreError.usage("\(what) '\(text)' is not an EBS volume id: write it as vol- and 8 or 17 hex digits, e.g. vol-0abc1234def567890")
        }
        self = id
    }

    public var description: String { "vol-\(digits)" }
    /// The NVMe serial form.
    public var serial: String { "vol\(digits)" }
}
