import ArgumentParser
import DockStoreCore

/// An argument that is not UTF-8, named by the option it is the value of (the man page: "the
/// message names the option"), not by its position: `--mountpoint '/var/lib/d\xff'` says
/// `--mountpoint`, a positional one its argument's name.
struct NotUTF8Argument {
    /// Its index in argv.
    var index: Int
    var bytes: [UInt8]

    /// A stand-in the parser accepts wherever a string goes; found again in the parsed command.
    static let stand = "dockstore-stand-in-for-a-non-utf8-argument"

    /// The one-line refusal. `given` is argv as read (the bad argument decoded with U+FFFD).
    func message(_ given: [String]) -> String {
        "\(name(given)) '\(shownValue)' is not UTF-8; systemd reads paths in fstab and unit files only as UTF-8: give it in UTF-8"
    }

    /// The value as printed: bytes that are not UTF-8 as `\xFF`.
    var shownValue: String { ShownBytes.text(Array(value)) }

    /// The bytes after `--option=`, or the whole argument.
    private var value: ArraySlice<UInt8> {
        guard let equals = optionEquals else { return bytes[...] }
        return bytes[(equals + 1)...]
    }

    /// Where `=` ends `--option` in `--option=value`, when that part is plain ASCII.
    private var optionEquals: Int? {
        guard bytes.starts(with: Array("--".utf8)), let equals = bytes.firstIndex(of: UInt8(ascii: "=")),
              bytes[..<equals].allSatisfy({ $0 < 0x80 }) else { return nil }
        return equals
    }

    /// `--option`, `the DEVICE argument`, or (when the parser cannot tell) `argument N`.
    func name(_ given: [String]) -> String {
        // --option=value: the option is the part before '=', when that part is plain ASCII.
        if let equals = optionEquals { return String(decoding: bytes[..<equals], as: UTF8.self) }
        var probe = given
        probe[index] = Self.stand
        let arguments = GlobalArguments.joiningNegativeValues(GlobalArguments.hoisted(probe))
        guard let property = Self.property(holdingStandIn: arguments) else { return "argument \(index)" }
        let option = "--" + Self.kebab(property)
        if index > 0, given[index - 1] == option { return option }
        // A short option before its value (`-w VALUE`) is named as typed.
        if index > 0, given[index - 1].count == 2, given[index - 1].hasPrefix("-"), given[index - 1] != "--" { return given[index - 1] }
        return "the \(Self.kebab(property).uppercased()) argument"
    }

    /// The name of the parsed command's property whose value is the stand-in, read from the
    /// command's `dump`: of the lines showing the stand-in, the most deeply nested one labelled
    /// as a property wrapper's storage (`_name`); an option group shows it too, one level up.
    static func property(holdingStandIn arguments: [String]) -> String? {
        let command: ParsableCommand
        do { command = try Dockstore.parseAsRoot(Array(arguments.dropFirst())) } catch { return nil }
        var text = ""
        dump(command, to: &text)
        var found: (depth: Int, label: String)? = nil
        for line in text.split(separator: "\n") where line.contains(stand) {
            let depth = line.prefix(while: { $0 == " " }).count
            let trimmed = line.drop(while: { $0 == " " || $0 == "▿" || $0 == "-" || $0 == "▹" })
            guard trimmed.hasPrefix("_"), let colon = trimmed.firstIndex(of: ":") else { continue }
            let label = String(trimmed[trimmed.index(after: trimmed.startIndex)..<colon])
            guard !label.isEmpty, label != "parsedValue", label.allSatisfy({ $0.isLetter || $0.isNumber }) else { continue }
            if depth > (found?.depth ?? -1) { found = (depth, label) }
        }
        return found?.label
    }

    /// `mountOptions` → `mount-options`, as swift-argument-parser names a long option.
    static func kebab(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "-" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
