#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// The process's standard streams, for the executable's output: written straight to the
/// descriptor (no stdio buffer), so stdout and stderr stay in order and nothing is lost when
/// a failpoint kills the process.
public enum StandardStream: Int32, Sendable {
    case input = 0
    case output = 1
    case error = 2

    /// The stream is a terminal (isatty(3)).
    public var isTerminal: Bool { isatty(rawValue) == 1 }

    /// Writes all of `text`, again after EINTR. A stream that fails (closed, a full disk behind
    /// a redirect) drops the rest; for standard output the first failure is kept
    /// (`outputFailure`) and said at exit (`OutputCloseout`), as coreutils' close_stdout does.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(rawValue, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                // write(2) of a non-empty buffer returning 0 wrote nothing either: an I/O error.
                if self == .output { Self.recordOutputFailure(n < 0 ? errno : EIO) }
                return
            }
            bytes = bytes.dropFirst(n)
        }
    }

    /// The errno of the first write to standard output that failed; 0 while none did.
    private static let firstOutputFailure = Atomic<Int32>(0)

    /// The errno of the first write to standard output that failed, nil while none did.
    public static var outputFailure: Int32? {
        let code = firstOutputFailure.load(ordering: .relaxed)
        return code == 0 ? nil : code
    }

    static func recordOutputFailure(_ code: Int32) {
        _ = firstOutputFailure.compareExchange(expected: 0, desired: code == 0 ? EIO : code, ordering: .relaxed)
    }
}
