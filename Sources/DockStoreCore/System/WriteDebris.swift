#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The temp files a killed atomic write left beside the files dockstore writes. Every changing
/// command removes them once it holds the lock, whichever file it writes itself, so after any
/// later run each folder holds only the file and its one `.dockstore.bak`. A temp file of a
/// process that still runs is never touched (`AtomicFile.removeDebris`).
public enum WriteDebris {
    /// Every file dockstore replaces with `AtomicFile` under --root.
    public static let files: [HostPath] = [
        HostPaths.fstab, HostPaths.sysconfigDocker, HostPaths.daemonJSON, HostPaths.dockerDropIn,
        HostPaths.bootDisabled, MigrationJournal.path,
    ]

    public static func sweep(host: Host) {
        forEachFolder(host) { dir, real, names in AtomicFile.removeDebris(in: dir, folder: real, names: names) }
    }

    /// Whether a killed write left a temp file to sweep: a run that finds one is a changing run
    /// even when its plan has nothing else to do, so it takes the lock and sweeps.
    public static func present(host: Host) -> Bool {
        var found = false
        forEachFolder(host) { dir, _, names in found = found || !AtomicFile.debris(in: dir, names: names).isEmpty }
        return found
    }

    private static func forEachFolder(_ host: Host, _ body: (Int32, String, [String]) -> Void) {
        var folders: [HostPath: [String]] = [:]
        for file in files {
            folders[file.parent, default: []] += [file.lastComponent, file.lastComponent + ".dockstore.bak"]
        }
        for (folder, names) in folders {
            let real = host.real(folder)
            // A folder that is missing or a symlink holds nothing of dockstore's to clean.
            let dir = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard dir >= 0 else { continue }
            defer { close(dir) }
            body(dir, real, names)
        }
    }
}
