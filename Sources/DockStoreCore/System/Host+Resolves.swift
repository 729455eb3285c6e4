#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxShim

extension Host {
    /// Whether `path` resolves to anything inside the root, links followed there (systemd's
    /// `chase` with the root as `/`). Any failure to look answers no: only for a reader that
    /// itself takes a failed look as absence (systemd's `default_root_shell`), never to judge
    /// that something is safe to change.
    func resolvesInRoot(_ path: HostPath) -> Bool {
        do {
            guard case .success(let fd) = try openInRoot(path, ds_o_path()) else { return false }
            close(fd)
            return true
        } catch {
            return false
        }
    }
}
