#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Printing: results to stdout, warnings and errors to stderr, each prefixed so that a
/// journal line says where it came from. Written straight to the file descriptors, so
/// the two streams stay in order and nothing is lost when a failpoint kills the process.
enum Output {
    static func line(_ text: String) { emit(1, text + "\n") }

    /// Text that carries its own line ends.
    static func emitRaw(_ text: String) { emit(1, text) }

    static func warning(_ text: String) { emit(2, "dockstore: warning: \(text)\n") }

    static func error(_ text: String) { emit(2, "dockstore: \(text)\n") }

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
