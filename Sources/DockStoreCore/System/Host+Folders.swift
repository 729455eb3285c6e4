#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// Creates the missing folders of a host path below --root (like mkdir -p, mode 0755),
    /// every one resolved and created inside the root (`openInRoot`, `mkdirat`), refusing to
    /// pass through a component that exists and is not a folder, or is a link to nothing.
    public func makeFolders(_ path: HostPath) throws {
        var current = HostPath.root
        for component in path.components.map(String.init) {
            let parent = current
            current = current.appending(component)
            var tried = false
            while true {
                switch try openInRoot(current, O_RDONLY | O_DIRECTORY) {
                case .success(let fd):
                    close(fd)
                case .failure(let code) where code == ENOENT && !tried:
                    let dir = try openFolderInRoot(parent)
                    defer { close(dir) }
                    switch Syscall.attempt({ mkdirat(dir, component, 0o755) }) {
                    case .success:
                        // 0755 whatever the caller's umask (attack 14, Y-PERM-1: under umask 077 a
                        // new /etc/sysconfig was 0700), on the folder just made, never through a link.
                        close(try Self.openMadeFolder(in: dir, component, shown: real(current)))
                    // Something is there: a link to nothing (looked at again below), or a
                    // folder another process just made.
                    case .failure(let code) where code == EEXIST: break
                    case .failure(let code): throw DockStoreError.system("cannot create the folder", real(current), errno: code)
                    }
                    tried = true
                    continue
                case .failure(let code) where code == ENOENT:
                    throw danglingLink(parent, component)
                case .failure(let code) where code == ENOTDIR:
                    throw notAFolder(current)
                case .failure(let code):
                    throw DockStoreError.system("cannot open the folder", real(current), errno: code)
                }
                break
            }
        }
    }

    /// The folders of `path` (itself included) that do not exist inside the root, outermost
    /// first: those `makeFolders(path)` would create. A component that exists and is no
    /// folder, or cannot be opened, ends the walk: the preflight refuses such a tree.
    public func missingFolders(_ path: HostPath) throws -> [HostPath] {
        var current = HostPath.root
        for (index, component) in path.components.map(String.init).enumerated() {
            current = current.appending(component)
            switch try openInRoot(current, O_RDONLY | O_DIRECTORY) {
            case .success(let fd):
                close(fd)
            case .failure(let code) where code == ENOENT:
                return path.components.dropFirst(index + 1).reduce(into: [current]) { list, next in
                    list.append(list[list.count - 1].appending(String(next)))
                }
            case .failure:
                return []
            }
        }
        return []
    }

    /// Checks, creating nothing, that `makeFolders(path)` (or, when not `creating`, an open of
    /// the folder) will succeed: each component that exists resolves inside the root, as those
    /// calls resolve it, to a folder; a link to nothing or a component that is no folder is
    /// refused with the same one line. The preflight of every changing command runs it before
    /// the first step acts, so such a tree is refused with nothing changed.
    public func checkFolders(_ path: HostPath, creating: Bool) throws {
        var current = HostPath.root
        for component in path.components.map(String.init) {
            let parent = current
            current = current.appending(component)
            switch try openInRoot(current, O_RDONLY | O_DIRECTORY) {
            case .success(let fd):
                close(fd)
            case .failure(let code) where code == ENOENT:
                if try FileStatus.of(real(current))?.kind == .symlink { throw danglingLink(parent, component) }
                guard creating else {
                    throw DockStoreError.refused("the folder \(real(path)) does not exist inside \(root) (\(real(current)) is missing): create it, or give another path")
                }
                return
            case .failure(let code) where code == ENOTDIR:
                throw notAFolder(current)
            case .failure(let code):
                throw DockStoreError.system("cannot open the folder", real(current), errno: code)
            }
        }
    }

    private func danglingLink(_ parent: HostPath, _ component: String) -> DockStoreError {
        let link = real(parent) == "/" ? "/" + component : real(parent) + "/" + component
        return DockStoreError.refused("\(link) is a symbolic link to a folder that does not exist inside \(root): create that folder, or replace the link with a folder")
    }

    private func notAFolder(_ path: HostPath) -> DockStoreError {
        // Only the words of the refusal: unreadable says "file".
        let kind = (try? FileStatus.of(real(path)))??.kind
        return DockStoreError.refused("\(real(path)) is a \(kind?.rawValue ?? "file"), not a folder; dockstore needs a folder there")
    }
}
