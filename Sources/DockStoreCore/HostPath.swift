/// An absolute path on the host being configured, as it appears in fstab and unit files
/// (`/var/lib/docker`), before `--root` is put in front of it.
///
/// Validation refuses what would make that path mean something else in another file
/// format or display as another path: relative paths, `.`/`..` components (which could climb
/// out of `--root`), whitespace and control characters — C0, DEL and C1 (U+0080–U+009F) — which
/// fstab and systemd units cannot carry safely, the Unicode format characters (category Cf:
/// bidirectional controls, zero-width characters), which change how a path displays, and the
/// Unicode noncharacters (U+FDD0–U+FDEF, U+xFFFE,
/// U+xFFFF), which systemd's UTF-8 check refuses. A path is text: one that is not UTF-8 never gets here
/// (the command line and the settings file refuse it), as systemd ignores a unit whose
/// paths are not UTF-8. Every other character is written escaped for each reader:
/// `FstabEscape` for fstab, `UnitFileEscape` for the drop-in; a path in a mount option
/// value is checked by `mountOptionValue`.
public struct HostPath: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Normalized: one leading slash, no trailing slash, no empty components.
    public let string: String

    public init(_ text: String, what: String) throws {
        guard text.hasPrefix("/") else {
            throw DockStoreError.usage("\(what) '\(text)' is not an absolute path: give it starting with /")
        }
        if let bad = text.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) {
            let shown = bad == " " ? "a space" : "the character U+\(String(bad.value, radix: 16, uppercase: true))"
            throw DockStoreError.usage("\(what) '\(ShownBytes.text(text))' contains \(shown): fstab and systemd units cannot carry it safely; choose a path without it")
        }
        // A format character (Unicode Cf: the bidirectional controls U+200E/F, U+202A–E,
        // U+2066–9, U+061C, zero-width characters, U+FEFF) prints as nothing but changes how the
        // text around it displays: a U+202E makes `/var/lib/\u{202E}rekcod` read as another path.
        if let bad = text.unicodeScalars.first(where: { $0.properties.generalCategory == .format }) {
            throw DockStoreError.usage("\(what) '\(ShownBytes.text(text))' contains U+\(String(bad.value, radix: 16, uppercase: true)), a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it")
        }
        // Letters and symbols that print as blank space (`ShownBytes.isInvisible`: the Hangul
        // fillers, the tag characters, the Braille blank) make two paths look alike.
        if let bad = text.unicodeScalars.first(where: ShownBytes.isInvisible) {
            throw DockStoreError.usage("\(what) '\(ShownBytes.text(text))' contains U+\(String(bad.value, radix: 16, uppercase: true)), a character that prints as nothing or blank, so the path would look like another; choose a path without it")
        }
        // systemd's UTF-8 check (unichar_is_valid) also refuses the noncharacters, and then
        // ignores the whole line: "String is not UTF-8 clean".
        if let bad = text.unicodeScalars.first(where: { (0xFDD0...0xFDEF).contains($0.value) || $0.value & 0xFFFE == 0xFFFE }) {
            throw DockStoreError.usage("\(what) '\(ShownBytes.text(text))' contains the noncharacter U+\(String(bad.value, radix: 16, uppercase: true)), which systemd does not accept in unit files; choose a path without it")
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

    /// The path as the value of a mount option such as `x-systemd.requires-mounts-for=`,
    /// refused when a reader on the way would change it: libmount splits options at a comma
    /// (util-linux lib/strutils.c `ul_optstr_next`, no unescaping), and systemd-fstab-generator
    /// writes the value unquoted into `RequiresMountsFor=`, whose parser drops quotes and
    /// backslashes (seen with systemd 252: `/v/a\b` and `/v/a"b` became `/v/ab`).
    public func mountOptionValue(what: String) throws -> String {
        if let bad = string.first(where: { $0 == "," || $0 == "\\" || $0 == "\"" || $0 == "'" }) {
            throw DockStoreError.usage("\(what) '\(string)' contains '\(bad)', which the fstab mount option x-systemd.requires-mounts-for= cannot carry (libmount splits options at commas, systemd drops quotes and backslashes); choose a path without it")
        }
        return string
    }

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

    /// Byte for byte, as the kernel compares paths (`sameBytes`), not by canonical equivalence.
    public static func == (lhs: HostPath, rhs: HostPath) -> Bool { lhs.string.sameBytes(rhs.string) }
    public func hash(into hasher: inout Hasher) { hasher.combine(Array(string.utf8)) }
    public static func < (lhs: HostPath, rhs: HostPath) -> Bool { lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8) }

    /// A path that names a file (the image): one ending in `/` names a folder and is refused,
    /// instead of the slash being dropped.
    public static func file(_ text: String, what: String) throws -> HostPath {
        if text.utf8.last == UInt8(ascii: "/") {
            throw DockStoreError.usage("\(what) '\(ShownBytes.text(text))' ends with '/', which names a folder, but the image is a file: give its path without the trailing slash")
        }
        return try HostPath(text, what: what)
    }

    /// A file found on disk in `folder`, by the name readdir gave (any bytes but `/` and NUL):
    /// systemd reads a drop-in of any such name, a space or a newline in it included, so it is
    /// not validated as a path a user gives (attack 18, A-F17). Show it with `ShownBytes`.
    static func entry(_ name: String, in folder: HostPath) -> HostPath {
        HostPath(normalized: folder.string == "/" ? "/" + name : folder.string + "/" + name)
    }

    /// A path this process built with `entry` (kept as text in a record), taken back as it is.
    static func found(_ normalized: String) -> HostPath { HostPath(normalized: normalized) }

    /// A path the kernel resolved (`ConfinedPath`, the mount table), inside the root, taken as it
    /// is: any bytes but NUL, a space or a control character included. Only for naming (its mount
    /// unit, `MountUnitName`, escapes every such byte), never validated as a path a user gives
    /// (attack 34 W C3: `known` made `/srv/a b/docker` the root, and the drop-ins named `-.mount`).
    static func resolved(_ text: String) -> HostPath {
        HostPath(normalized: text.isEmpty ? "/" : text)
    }

    /// A literal, known-good path (the defaults); a bad literal is a programming error
    /// caught by the unit tests, so it falls back to `/` rather than trapping. Never for a path
    /// read from the system (`resolved`, `found`).
    static func known(_ text: String) -> HostPath {
        (try? HostPath(text, what: "path")) ?? .root // a literal: no read, nothing to tell
    }
}
