#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Resolves a host path inside a root folder the way openat2(2)'s `RESOLVE_IN_ROOT` does:
/// an absolute symlink target means a path below the root (an image tree's `/etc` link points
/// into the tree, not at the build host's `/etc`) and `..` stops at the root.
///
/// The result is a plain path string for what needs one — messages, mount(2)'s target,
/// losetup's and mkfs's file arguments, the at-calls of `FileStatus` and friends. Each of its
/// components below the root was, at the moment of the walk, a real folder (not a symlink) or
/// did not exist yet; so the string cannot leave the root unless the tree is changed between
/// the walk and the string's use. That race is open only to whoever can write those folders
/// (root, inside the tree being configured); the files dockstore writes are opened with
/// `Host.openInRoot` instead, which the kernel confines at the moment of opening.
enum ConfinedPath {
    /// Linux's limit (MAXSYMLINKS); beyond it the rest is kept as written and the call
    /// that uses the path fails with ELOOP, as the kernel would.
    static let maxSymlinks = 40

    /// - Parameter followingLast: resolve a symlink at the last component too; without it
    ///   the last component is kept as it is (for callers that refuse or replace a symlink there).
    static func resolve(root: String, _ path: HostPath, followingLast: Bool) -> String {
        var resolved: [String] = []
        var pending: [String] = path.components.reversed().map(String.init)
        var symlinks = 0
        var missing = false
        func joined(_ parts: [String]) -> String {
            let below = parts.joined(separator: "/")
            if below.isEmpty { return root }
            return root == "/" ? "/" + below : root + "/" + below
        }
        while let component = pending.popLast() {
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            if missing || (pending.isEmpty && !followingLast) || symlinks > maxSymlinks {
                resolved.append(component)
                continue
            }
            let candidate = joined(resolved + [component])
            var st = stat()
            guard lstat(candidate, &st) == 0 else {
                // Nothing there (or it cannot be looked at): the rest is kept as written; it
                // holds no symlink, and the call that uses it meets the same answer.
                missing = true
                resolved.append(component)
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFLNK, let target = readLink(candidate) else {
                resolved.append(component)
                continue
            }
            symlinks += 1
            if target.hasPrefix("/") { resolved.removeAll() }
            pending.append(contentsOf: target.split(separator: "/", omittingEmptySubsequences: true).reversed().map(String.init))
        }
        return joined(resolved)
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [Int8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
