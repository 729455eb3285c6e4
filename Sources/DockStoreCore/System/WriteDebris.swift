#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The temp files a killed atomic write left beside the files dockstore writes. Every changing
/// command removes them right before its first step acts (`DebrisSweep`; a refused run leaves
/// them), whichever file it writes itself, so after any
/// later run each folder holds only the file and its one `.dockstore.bak`. A temp file of a
/// process that still runs is never touched (`AtomicFile.removeDebris`), and only the exact temp
/// names of the files listed here are: /etc and /etc/sysconfig are not dockstore's folders.
public enum WriteDebris {
    /// Every file dockstore replaces with `AtomicFile` under --root. `WriteDebrisCoverageTests`
    /// reads every `AtomicFile.write` call in Sources and fails when its target is not here.
    /// Not here: what `check` writes where its options say (`--textfile`, a `--state-file`
    /// other than the default): folders dockstore does not own, names no other command knows;
    /// each check that writes one removes what a killed check left there first.
    public static let files: [HostPath] = [
        HostPaths.fstab, HostPaths.sysconfigDocker, HostPaths.daemonJSON, HostPaths.dockerDropIn,
        HostPaths.bootDisabled, MigrationJournal.path, CanceledReplaceTarget.path, ProvisionFolderRecord.path,
        DaemonJSONRecord.path, ReclaimJournal.path, LastReclaimRecord.path, DeviceErrorLedger.defaultPath,
        OrphanTallyCache.defaultPath, FormatRecord.path, ProvisionSettings.path,
        // The mount unit's drop-in of the default mountpoint; another mountpoint's is not swept.
        MountDropIn.path(unitPath: HostPaths.defaultMountpoint),
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
            folders[file.parent, default: []] += [file.lastComponent, file.lastComponent + AtomicFile.backupSuffix]
        }
        for (folder, names) in folders {
            // Opened inside --root as the write opens it, so nothing outside is read or
            // unlinked. A folder that is missing, a symlink where the write refuses one, or one
            // whose path leads out of the root (a refusal) holds nothing of dockstore's to
            // clean: leaving a temp file is the safe side, and the write there refuses anyway.
            let dir: Int32
            do {
                guard case .success(let fd) = try AtomicFile.openFolder(folder, on: host) else { continue }
                dir = fd
            } catch {
                continue
            }
            defer { close(dir) }
            body(dir, host.real(folder), names)
        }
    }
}
