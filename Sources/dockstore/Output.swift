import DockStoreCore

/// Printing: results to stdout, warnings and errors to stderr, each prefixed so that a
/// journal line says where it came from. Written straight to the file descriptors, so
/// the two streams stay in order and nothing is lost when a failpoint kills the process.
/// Every line goes through `ShownBytes` (each line of a multi-line text on its own), so a path
/// or a value that holds characters which do not print — whether given by the user or read
/// from fstab, the mount table or a settings file — is shown escaped and cannot change how
/// the terminal displays the line.
enum Output {
    static func line(_ text: String) { StandardStream.output.write(shown(text) + "\n") }

    /// Text that carries its own line ends and terminal controls (progress lines): dockstore's
    /// own text, with any path in it already escaped by its caller.
    static func emitRaw(_ text: String) { StandardStream.output.write(text) }

    static func warning(_ text: String) { StandardStream.error.write("dockstore: warning: \(shown(text))\n") }

    static func error(_ text: String) { StandardStream.error.write("dockstore: \(shown(text))\n") }

    /// `text` as `ShownBytes` shows it, its newlines kept as line ends.
    static func shown(_ text: String) -> String {
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x0a }) { return text }
        return text.utf8.split(separator: 0x0a, omittingEmptySubsequences: false)
            .map { ShownBytes.text(Array($0)) }.joined(separator: "\n")
    }
}
