import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// The reverse of `makeFolderChain`, for teardown: renames the chain's folder (in place,
    /// holding only the chain and its file, as `sweepFolderChain(inPlace:)` found it) to its
    /// temporary name with renameat2's `RENAME_NOREPLACE`, flushes the parent, reaches
    /// `failpoint`, then removes the temporary folder through `sweepFolderChain`. A kill before
    /// the rename leaves the chain and its file in place (a re-run finishes); a kill after it
    /// leaves the temporary folder, which every changing run sweeps (`FolderRecordDebris`).
    /// - Returns: false when the folder was gone already.
    func retireFolderChain(_ chain: NewFolderChain, accepts: ([UInt8]) -> Bool, failpoint: String) throws -> Bool {
        let parent = try openFolderInRoot(chain.folder.parent)
        defer { close(parent) }
        let folder = real(chain.folder)
        switch Syscall.attempt({ ds_renameat_noreplace(parent, chain.folder.lastComponent, parent, chain.temporary) }) {
        case .success: break
        case .failure(let code) where code == ENOENT: return false
        case .failure(let code) where code == EEXIST || code == ENOTEMPTY:
            throw DockStoreError.refused("\(real(chain.temporaryPath)) exists, and dockstore renames \(folder) to that name to remove it; nothing was changed: look at it, move it away and re-run")
        case .failure(let code): throw DockStoreError.system("cannot rename \(folder) to", real(chain.temporaryPath), errno: code)
        }
        try Syscall.check("cannot flush", real(chain.folder.parent)) { fsync(parent) }
        // The crash tests kill the process here: renamed, not removed yet.
        Failpoint.reached(failpoint)
        if case .foreign(let reason) = try sweepFolderChain(chain, accepts: accepts) {
            throw FolderRecordDebris.refusal(self, chain, reason)
        }
        return true
    }
}
