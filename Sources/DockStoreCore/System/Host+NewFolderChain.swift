import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// Makes `chain` under its temporary name (each folder mode 0755, the file written, every
    /// one flushed), reaches `failpoint`, then renames it into place and flushes the parent.
    /// Everything goes through descriptors: the parent opened inside the root, the rest with
    /// the at-calls below it, never through a link.
    /// - Returns: false when the folder's name appeared meanwhile (the temporary folder is then
    ///   removed again and nothing is left changed).
    func makeFolderChain(_ chain: NewFolderChain, bytes: [UInt8], failpoint: String) throws -> Bool {
        let parent = try openFolderInRoot(chain.folder.parent)
        defer { close(parent) }
        let temporary = real(chain.temporaryPath)
        switch Syscall.attempt({ mkdirat(parent, chain.temporary, NewFolderChain.folderMode) }) {
        case .success: break
        case .failure(let code) where code == EEXIST:
            throw DockStoreError.refused("\(temporary) exists, and dockstore makes \(real(chain.folder)) there itself; nothing was changed: look at it, move it away and re-run")
        case .failure(let code): throw DockStoreError.system("cannot create the folder", temporary, errno: code)
        }
        do {
            try buildChain(chain, in: parent, shown: temporary, bytes: bytes)
        } catch {
            // What this run made is taken back where it can be (a half-written record too);
            // whatever stays, the next changing run's sweep looks at (`sweepFolderChain`).
            do { _ = try sweepFolderChain(chain, accepts: { _ in true }) } catch {}
            throw error
        }
        // The crash tests kill the process here: the chain is made, the rename not done; the
        // race tests stop it here and make the folder meanwhile.
        Failpoint.reached(failpoint)
        Failpoint.pause(failpoint)
        switch Syscall.attempt({ ds_renameat_noreplace(parent, chain.temporary, parent, chain.folder.lastComponent) }) {
        case .success: break
        case .failure(let code) where code == EEXIST || code == ENOTEMPTY:
            _ = try sweepFolderChain(chain, accepts: { $0 == bytes })
            return false
        case .failure(let code): throw DockStoreError.system("cannot rename \(temporary) to", real(chain.folder), errno: code)
        }
        try Syscall.check("cannot flush", real(chain.folder.parent)) { fsync(parent) }
        return true
    }

    /// Inside the temporary folder just made in `parent`: the folders below it, then the file,
    /// each given its mode and flushed, then every folder flushed, innermost first.
    private func buildChain(_ chain: NewFolderChain, in parent: Int32, shown temporary: String, bytes: [UInt8]) throws {
        var folders: [(fd: Int32, shown: String)] = []
        defer { for folder in folders { close(folder.fd) } }
        folders.append((try Self.openMadeFolder(in: parent, chain.temporary, shown: temporary), temporary))
        for name in chain.below {
            let (dir, shown) = (folders[folders.count - 1].fd, folders[folders.count - 1].shown + "/" + name)
            try Syscall.check("cannot create the folder", shown) { mkdirat(dir, name, NewFolderChain.folderMode) }
            folders.append((try Self.openMadeFolder(in: dir, name, shown: shown), shown))
        }
        let innermost = folders[folders.count - 1]
        let shownFile = innermost.shown + "/" + chain.file
        let fd = try Syscall.check("cannot create", shownFile) {
            openat(innermost.fd, chain.file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(chain.fileMode))
        }
        do {
            defer { close(fd) }
            try Syscall.check("cannot set the mode of", shownFile) { fchmod(fd, mode_t(chain.fileMode)) }
            try AtomicFile.writeAll(fd, bytes, path: shownFile)
            try Syscall.check("cannot flush", shownFile) { fsync(fd) }
        }
        for folder in folders.reversed() { try Syscall.check("cannot flush", folder.shown) { fsync(folder.fd) } }
    }

    /// A folder just made, opened (never through a link) and given its mode, whatever the umask
    /// (`dir` may be AT_FDCWD with a path as `name`).
    static func openMadeFolder(in dir: Int32, _ name: String, mode: mode_t = NewFolderChain.folderMode, shown: String) throws -> Int32 {
        let fd = try Syscall.check("cannot open the folder", shown) { openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        do {
            try Syscall.check("cannot set the mode of", shown) { fchmod(fd, mode) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Removes the temporary folder a killed `makeFolderChain` left, only while it holds what
    /// that call puts there: the chain's folders (each may still lack the next), at most the
    /// file in the innermost, whose bytes `accepts`; each a plain folder or regular file (one
    /// link) of the user dockstore runs as, with no permission beyond the chain's modes, on the
    /// parent's filesystem. Anything else is `.foreign` with the reason, and nothing is removed.
    /// Without `removing`, only looks. With `inPlace`, looks at the chain under its own name
    /// instead (teardown, before it renames the chain to the temporary name: `retireFolderChain`).
    func sweepFolderChain(_ chain: NewFolderChain, accepts: ([UInt8]) -> Bool, removing: Bool = true,
                          inPlace: Bool = false) throws -> FolderChainLeftover {
        let parent: Int32
        switch try openInRoot(chain.folder.parent, O_RDONLY | O_DIRECTORY) {
        case .success(let fd): parent = fd
        case .failure(let code) where code == ENOENT || code == ENOTDIR: return .absent
        case .failure(let code): throw DockStoreError.system("cannot open the folder", real(chain.folder.parent), errno: code)
        }
        defer { close(parent) }
        let parentShown = real(chain.folder.parent)
        var walk = FolderChainWalk(device: try FolderChainWalk.status(parent, shown: parentShown).st_dev)
        defer { walk.closeAll() }
        let names = [inPlace ? chain.folder.lastComponent : chain.temporary] + chain.below
        var (dir, shown) = (parent, parentShown)
        var holdsFile = false
        walking: for (index, name) in names.enumerated() {
            shown += (shown.hasSuffix("/") ? "" : "/") + name
            let fd: Int32
            switch try walk.openFolder(in: dir, name, shown: shown) {
            case .missing where index == 0: return .absent
            case .missing: return .foreign("\(shown) was removed while dockstore looked at it")
            case .foreign(let reason): return .foreign(reason)
            case .opened(let opened): fd = opened
            }
            switch try walk.contents(of: fd, holdingOnly: index + 1 < names.count ? names[index + 1] : chain.file, shown: shown) {
            case .foreign(let reason): return .foreign(reason)
            case .empty: break walking
            case .holdsIt:
                dir = fd
                holdsFile = index == names.count - 1
            }
        }
        if holdsFile, let reason = try walk.checkFile(in: dir, chain.file, shown: shown + "/" + chain.file,
                                                      mode: chain.fileMode, accepts: accepts) {
            return .foreign(reason)
        }
        if removing { try walk.remove(below: parent, shown: parentShown) }
        return .ours
    }
}
