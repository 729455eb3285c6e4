@testable import DockStoreCore
import Foundation
import Testing

/// The one display escape (`ShownBytes`) and the rule that refuses paths which display as
/// another path: what each input shows as, byte for byte, and that showing is idempotent.
struct DisplayEscapeTests {
    static let shown: [([UInt8], String)] = [
        (Array("/var/lib/docker".utf8), "/var/lib/docker"),
        (Array("/srv/café ünï/日本".utf8), "/srv/café ünï/日本"),
        (Array("/var/lib/\u{202E}rekcod".utf8), "/var/lib/\\xE2\\x80\\xAErekcod"),
        (Array("a\u{200E}b\u{200F}c".utf8), "a\\xE2\\x80\\x8Eb\\xE2\\x80\\x8Fc"),
        (Array("\u{202A}\u{202B}\u{202C}\u{202D}".utf8), "\\xE2\\x80\\xAA\\xE2\\x80\\xAB\\xE2\\x80\\xAC\\xE2\\x80\\xAD"),
        (Array("\u{2066}\u{2067}\u{2068}\u{2069}".utf8), "\\xE2\\x81\\xA6\\xE2\\x81\\xA7\\xE2\\x81\\xA8\\xE2\\x81\\xA9"),
        (Array("ar\u{061C}x".utf8), "ar\\xD8\\x9Cx"),
        (Array("zero\u{200B}width\u{FEFF}".utf8), "zero\\xE2\\x80\\x8Bwidth\\xEF\\xBB\\xBF"),
        (Array("line\u{2028}para\u{2029}".utf8), "line\\xE2\\x80\\xA8para\\xE2\\x80\\xA9"),
        (Array("nb\u{00A0}sp ideo\u{3000}".utf8), "nb\\xC2\\xA0sp ideo\\xE3\\x80\\x80"),
        (Array("c1\u{9B}31m".utf8), "c1\\xC2\\x9B31m"),
        (Array("esc\u{1B}[2Jx".utf8), "esc\\x1B[2Jx"),
        (Array("a\nb\tc\rd\u{7F}".utf8), "a\\nb\\tc\\rd\\x7F"),
        ([0x2F, 0x63, 0x61, 0x66, 0xE9], "/caf\\xE9"),
        ([0xE2, 0x80], "\\xE2\\x80"),
        ([0xED, 0xA0, 0x80], "\\xED\\xA0\\x80"),
        (Array("back\\slash".utf8), "back\\slash"),
        (Array("emoji 🐳".utf8), "emoji 🐳"),
        (Array("fill\u{3164}er\u{2800}".utf8), "fill\\xE3\\x85\\xA4er\\xE2\\xA0\\x80"),
    ]

    @Test(arguments: shown)
    func showsEachByteThatDoesNotPrintEscaped(_ bytes: [UInt8], _ expected: String) {
        let text = ShownBytes.text(bytes)
        #expect(text == expected)
        #expect(ShownBytes.text(text) == text, "showing what is shown changes nothing")
        #expect(text.unicodeScalars.allSatisfy(ShownBytes.isPrintable), "nothing left that does not print")
    }

    /// Every message goes through the escape (`DockStoreError`), so a path from the mount table
    /// or fstab cannot turn a message around either.
    @Test func messagesAreShownEscaped() {
        let error = DockStoreError.refused("/var/lib/\u{202E}rekcod is busy\nsecond line")
        #expect(error.message == "/var/lib/\\xE2\\x80\\xAErekcod is busy\\nsecond line")
    }

    static let refused: [(String, String)] = [
        ("/var/lib/\u{202E}rekcod", "--mountpoint '/var/lib/\\xE2\\x80\\xAErekcod' contains U+202E, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/var/lib/a\u{200E}", "--mountpoint '/var/lib/a\\xE2\\x80\\x8E' contains U+200E, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/var/\u{200F}lib", "--mountpoint '/var/\\xE2\\x80\\x8Flib' contains U+200F, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/a\u{202A}", "--mountpoint '/a\\xE2\\x80\\xAA' contains U+202A, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/a\u{2066}b\u{2069}", "--mountpoint '/a\\xE2\\x81\\xA6b\\xE2\\x81\\xA9' contains U+2066, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/a\u{2069}", "--mountpoint '/a\\xE2\\x81\\xA9' contains U+2069, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/a\u{061C}", "--mountpoint '/a\\xD8\\x9C' contains U+61C, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/zero\u{200B}width", "--mountpoint '/zero\\xE2\\x80\\x8Bwidth' contains U+200B, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/bom\u{FEFF}", "--mountpoint '/bom\\xEF\\xBB\\xBF' contains U+FEFF, a Unicode format character (a bidirectional control or an invisible one) that changes how the path displays; choose a path without it"),
        ("/x\u{9B}y", "--mountpoint '/x\\xC2\\x9By' contains the character U+9B: fstab and systemd units cannot carry it safely; choose a path without it"),
        ("/x\u{2028}y", "--mountpoint '/x\\xE2\\x80\\xA8y' contains the character U+2028: fstab and systemd units cannot carry it safely; choose a path without it"),
        // The second attack's invisible letters and symbols (not Cf).
        ("/var/lib/docker\u{3164}", "--mountpoint '/var/lib/docker\\xE3\\x85\\xA4' contains U+3164, a character that prints as nothing or blank, so the path would look like another; choose a path without it"),
        ("/a\u{115F}", "--mountpoint '/a\\xE1\\x85\\x9F' contains U+115F, a character that prints as nothing or blank, so the path would look like another; choose a path without it"),
        ("/a\u{FFA0}", "--mountpoint '/a\\xEF\\xBE\\xA0' contains U+FFA0, a character that prints as nothing or blank, so the path would look like another; choose a path without it"),
        ("/a\u{E0080}", "--mountpoint '/a\\xF3\\xA0\\x82\\x80' contains U+E0080, a character that prints as nothing or blank, so the path would look like another; choose a path without it"),
        ("/a\u{2800}", "--mountpoint '/a\\xE2\\xA0\\x80' contains U+2800, a character that prints as nothing or blank, so the path would look like another; choose a path without it"),
    ]

    @Test(arguments: refused)
    func aPathThatDisplaysAsAnotherIsRefused(_ text: String, _ message: String) {
        #expect(throws: DockStoreError(.usage, message)) { try HostPath(text, what: "--mountpoint") }
    }

    @Test(arguments: ["/srv/café", "/srv/日本/docker", "/srv/🐳", "/srv/a\\b"])
    func printableUnicodeIsAccepted(_ text: String) throws {
        #expect(try HostPath(text, what: "--mountpoint").string == text)
    }

    /// JSON keeps its meaning (the same string decoded) and shows no character that does not print.
    @Test func jsonShowsUnprintableCharactersAsEscapes() throws {
        struct Value: Codable, Equatable { var path: String }
        let value = Value(path: "/var/lib/\u{202E}rekcod\u{1F433}\u{E0001}")
        let text = try JSONText.encode(value)
        #expect(text.contains("\\u202e") && text.contains("\\udb40\\udc01") && text.contains("\u{1F433}"), "\(text)")
        #expect(text.unicodeScalars.allSatisfy { ShownBytes.isPrintable($0) || $0 == "\n" })
        let decoded = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(decoded == value)
    }
}
