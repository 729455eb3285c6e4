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
                    case .success: break
                    // Something is there: a link to nothing (looked at again below), or a
                    // folder another process just made.
                    case .failure(let code) where code == EEXIST: break
                    case .failure(let code): throw DockStoreError.system("cannot create the folder", real(current), errno: code)
                    }
                    tried = true
                    continue
                case .failure(let code) where code == ENOENT:
                    let link = real(parent) == "/" ? "/" + component : real(parent) + "/" + component
                    throw DockStoreError.refused("\(link) is a symbolic link to a folder that does not exist inside \(root): create that folder, or replace the link with a folder")
                case .failure(let code) where code == ENOTDIR:
                    let kind = (try? FileStatus.of(real(current)))??.kind
                    throw DockStoreError.refused("\(real(current)) is a \(kind?.rawValue ?? "file"), not a folder; dockstore needs a folder there")
                case .failure(let code):
                    throw DockStoreError.system("cannot open the folder", real(current), errno: code)
                }
                break
            }
        }
    }
}
