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
    /// The refusal rests on a filesystem instance that no mount in this namespace shows, which
    /// a mount(2) under way looks like too: the kernel brings a btrfs up (its sysfs entry, its
    /// devices held) before it attaches the mount. `MountTableChange.steady` waits a moment for
    /// that mount before the refusal stands.
    public var restsOnAnUnshownMount = false

    /// Characters in `message` that do not print — which arrive in the values it quotes back,
    /// e.g. a settings value whose quotes span lines, or a path from the mount table with a
    /// bidirectional control — are shown escaped (`ShownBytes`), so the message stays one line
    /// and displays as what it says, whatever the user or the system gave.
    public init(_ kind: Kind, _ message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = ShownBytes.text(message)
        self.code = code
    }

    public var description: String { message }

    /// A failed system call: `"<operation> <path>: <strerror(errno)>"`. An EPERM that a
    /// chattr attribute on the path or its folder explains says so and what to do.
    public static func system(_ operation: String, _ path: String, errno code: Int32) -> DockStoreError {
        if code == EPERM, let reason = InodeRestriction.explain(path) {
            return DockStoreError(.failed, "\(operation) \(path): \(reason)", code: code)
        }
        // Something else where a folder belongs (attack 49 S C9: run/ a file or a FIFO gave exit 1
        // and the bare errno): a state to fix, said before the open that needs it.
        if code == ENOTDIR, operation == "cannot open the folder" {
            return DockStoreError(.refused, "\(operation) \(path): it, or a folder on the way to it, is not a folder (a file, a link to one or a FIFO is there): look at it (ls -ld \(path.shellWord)), move what is there aside and run again", code: code)
        }
        return DockStoreError(.failed, "\(operation) \(path): \(Errno.text(code))", code: code)
    }

    /// This error, marked as resting on a filesystem instance no mount here shows.
    func unshownMount(_ unshown: Bool = true) -> DockStoreError {
        var marked = self
        marked.restsOnAnUnshownMount = unshown
        return marked
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
