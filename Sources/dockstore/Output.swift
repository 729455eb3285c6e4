import DockStoreCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Printing: results to stdout, warnings and errors to stderr, each prefixed so that a
/// journal line says where it came from. Written straight to the file descriptors, so
/// the two streams stay in order and nothing is lost when a failpoint kills the process.
/// Every line goes through `ShownBytes` (each line of a multi-line text on its own), so a path
/// or a value that holds characters which do not print — whether given by the user or read
/// from fstab, the mount table or a settings file — is shown escaped and cannot change how
/// the terminal displays the line.
enum Output {
    static func line(_ text: String) { emit(1, shown(text) + "\n") }

    /// Text that carries its own line ends and terminal controls (progress lines): dockstore's
    /// own text, with any path in it already escaped by its caller.
    static func emitRaw(_ text: String) { emit(1, text) }

    static func warning(_ text: String) { emit(2, "dockstore: warning: \(shown(text))\n") }

    static func error(_ text: String) { emit(2, "dockstore: \(shown(text))\n") }

    /// `text` as `ShownBytes` shows it, its newlines kept as line ends.
    static func shown(_ text: String) -> String {
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x0a }) { return text }
        return text.utf8.split(separator: 0x0a, omittingEmptySubsequences: false)
            .map { ShownBytes.text(Array($0)) }.joined(separator: "\n")
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    private static func emit(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
