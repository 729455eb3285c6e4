/// An absolute path on the host being configured, as it appears in fstab and unit files
/// (`/var/lib/docker`), before `--root` is put in front of it.
///
/// Validation refuses what would make that path mean something else in another file
/// format: relative paths, `.`/`..` components (which could climb out of `--root`),
/// whitespace and control characters (which fstab and systemd would need escaped).
public struct HostPath: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Normalized: one leading slash, no trailing slash, no empty components.
    public let string: String

    public init(_ text: String, what: String) throws {
        guard text.hasPrefix("/") else {
            throw DockStoreError.usage("\(what) '\(text)' is not an absolute path: give it starting with /")
        }
        if let bad = text.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            let shown = bad == " " ? "a space" : "the character U+\(String(bad.value, radix: 16, uppercase: true))"
            throw DockStoreError.usage("\(what) '\(text)' contains \(shown): fstab and systemd units cannot carry it safely; choose a path without it")
        }
        // Byte by byte rather than split/joined: this runs on check's start-up path, where
        // each generic algorithm's first use costs the Swift runtime a metadata lookup.
        var normalized: [UInt8] = [UInt8(ascii: "/")]
        normalized.reserveCapacity(text.utf8.count + 1)
        var start = 1
        func endComponent() throws {
            let length = normalized.count - start
            if length == 0 { return }
            if normalized[start] == UInt8(ascii: "."), length == 1 || (length == 2 && normalized[start + 1] == UInt8(ascii: ".")) {
                throw DockStoreError.usage("\(what) '\(text)' contains '.' or '..': give the path without them")
            }
            normalized.append(UInt8(ascii: "/"))
            start = normalized.count
        }
        for byte in text.utf8 {
            if byte == UInt8(ascii: "/") { try endComponent() } else { normalized.append(byte) }
        }
        try endComponent()
        if normalized.count > 1 { normalized.removeLast() }
        string = String(decoding: normalized, as: UTF8.self)
        if text.utf8.count > 4000 {
            throw DockStoreError.usage("\(what) is longer than 4000 bytes")
        }
    }

    private init(normalized: String) { string = normalized }

    /// `/`
    public static let root = HostPath(normalized: "/")

    public var description: String { string }
    public var isRoot: Bool { string == "/" }

    public var components: [Substring] { string.split(separator: "/") }

    public var lastComponent: String { components.last.map(String.init) ?? "/" }

    public var parent: HostPath {
        guard let slash = string.lastIndex(of: "/"), slash != string.startIndex else { return .root }
        return HostPath(normalized: String(string[..<slash]))
    }

    public func appending(_ component: String) -> HostPath {
        HostPath(normalized: isRoot ? "/" + component : string + "/" + component)
    }

    /// True when `self` is `other` or lies below it.
    public func isWithin(_ other: HostPath) -> Bool {
        other.isRoot || string == other.string || string.hasPrefix(other.string + "/")
    }

    public static func < (lhs: HostPath, rhs: HostPath) -> Bool { lhs.string < rhs.string }

    /// A literal, known-good path (the defaults); a bad literal is a programming error
    /// caught by the unit tests, so it falls back to `/` rather than trapping.
    static func known(_ text: String) -> HostPath {
        (try? HostPath(text, what: "path")) ?? .root
    }
}
