#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// The one error type dockstore reports. Its message is a single line that names the
/// operation, the path and the reason; its kind decides the process's exit status.
public struct DockStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Why the command stopped. Each kind has one documented exit status (see `ExitStatus`).
    public enum Kind: Sendable, Equatable {
        /// A bad value on the command line or in a settings file.
        case usage
        /// The state on disk makes the request unsafe or contradictory; nothing was changed.
        case refused
        /// A system call or a tool failed while doing the work.
        case failed
        /// Another dockstore holds the lock.
        case busy
    }

    public var kind: Kind
    public var message: String
    /// The errno of the failed system call, when one is the cause (EBUSY from mount(2), say).
    public var code: Int32?

    /// Control characters in `message` — which arrive in the values it quotes back, e.g. a
    /// settings value whose quotes span lines — are shown as escapes, so the message stays
    /// one line whatever the user typed.
    public init(_ kind: Kind, _ message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = Self.oneLine(message)
        self.code = code
    }

    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    public var description: String { message }

    /// A failed system call: `"<operation> <path>: <strerror(errno)>"`. An EPERM that a
    /// chattr attribute on the path or its folder explains says so and what to do.
    public static func system(_ operation: String, _ path: String, errno code: Int32) -> DockStoreError {
        if code == EPERM, let reason = InodeRestriction.explain(path) {
            return DockStoreError(.failed, "\(operation) \(path): \(reason)", code: code)
        }
        return DockStoreError(.failed, "\(operation) \(path): \(Errno.text(code))", code: code)
    }

    public static func usage(_ message: String) -> DockStoreError { DockStoreError(.usage, message) }
    public static func refused(_ message: String) -> DockStoreError { DockStoreError(.refused, message) }
    public static func failed(_ message: String) -> DockStoreError { DockStoreError(.failed, message) }
}

/// errno as text, and the current value, without importing Foundation.
public enum Errno {
    public static var current: Int32 { errno }

    public static func text(_ code: Int32) -> String {
        SystemPackage.Errno(rawValue: code).description
    }
}

extension String {
    /// Text from a fixed-size C character buffer, up to its first NUL.
    init(cChars buffer: [CChar]) {
        self.init(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
