#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A missing folder made together with the folders below it and one file in the innermost,
/// so that they appear at once: built under `temporary` beside where the folder goes, flushed,
/// then renamed into place with renameat2's `RENAME_NOREPLACE`. A kill at any moment leaves
/// either nothing at the folder's name or the whole chain with its file (and, before the
/// rename, the temporary folder, which the next changing run sweeps: `Host.sweepFolderChain`).
public struct NewFolderChain: Sendable, Equatable {
    /// The outermost folder made; its parent exists.
    public var folder: HostPath
    /// The folders made inside it, outermost first, by name.
    public var below: [String]
    /// The file written in the innermost folder.
    public var file: String
    /// The file's mode (the folders get 0755).
    public var fileMode: UInt32

    public init(folder: HostPath, below: [String], file: String, fileMode: UInt32) {
        self.folder = folder
        self.below = below
        self.file = file
        self.fileMode = fileMode
    }

    /// `.NAME.dockstore-new` in the folder's parent: a dot name no admin tool makes, ending as
    /// dockstore's other temporary names do (`<image>.dockstore-new`).
    public var temporary: String { ".\(folder.lastComponent).dockstore-new" }
    /// Where the temporary folder is, inside --root.
    public var temporaryPath: HostPath { folder.parent.appending(temporary) }
    /// The innermost folder's path once in place, where the file goes.
    public var filePath: HostPath { below.reduce(folder) { $0.appending($1) }.appending(file) }

    static let folderMode: mode_t = 0o755
}
