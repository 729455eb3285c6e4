#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether boot would set the store up: dockstore-provision.service enabled in the tree.
extension Host {
    static let provisionUnit = "dockstore-provision.service"
    /// The unit folders systemd reads enablement links from (systemd.unit(5), "Unit File Load Path").
    static let unitFolders = ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                              "/usr/lib/systemd/system", "/lib/systemd/system"]

    /// True when a `.wants` or `.requires` folder of any unit folder inside the root holds an
    /// entry named dockstore-provision.service (what `systemctl enable` links, from its
    /// `WantedBy=`/`RequiredBy=`). A folder that cannot be read, or a name that is no path
    /// dockstore can look at, counts as enabled: the boot switch is then written, as before.
    public func provisionUnitEnabled() throws -> Bool {
        for folder in Self.unitFolders {
            let fd: Int32
            switch try openInRoot(HostPath.known(folder), O_RDONLY | O_DIRECTORY) {
            case .success(let opened): fd = opened
            case .failure(let code) where code == ENOENT || code == ENOTDIR: continue
            case .failure: return true
            }
            defer { close(fd) }
            guard let names = FolderEntries.names(in: fd) else { return true }
            for name in names where name.hasSuffix(".wants") || name.hasSuffix(".requires") {
                let link: HostPath
                do { link = try HostPath("\(folder)/\(name)/\(Self.provisionUnit)", what: "the unit link") } catch { return true }
                if try statusInRoot(link) != nil { return true }
            }
        }
        return false
    }
}
