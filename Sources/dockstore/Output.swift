import DockStoreCore

/// Printing: results to stdout, warnings and errors to stderr, each prefixed so that a
/// journal line says where it came from. Written straight to the file descriptors, so
/// the two streams stay in order and nothing is lost when a failpoint kills the process.
enum Output {
    static func line(_ text: String) { StandardStream.output.write(text + "\n") }

    /// Text that carries its own line ends.
    static func emitRaw(_ text: String) { StandardStream.output.write(text) }

    static func warning(_ text: String) { StandardStream.error.write("dockstore: warning: \(text)\n") }

    static func error(_ text: String) { StandardStream.error.write("dockstore: \(text)\n") }
}
