/// The temporary folder a provision killed while it made the folder record's own folder left
/// (`ProvisionFolderRecord.newFolder`: `.dockstore.dockstore-new` in /var/lib, or
/// `.lib.dockstore-new` in /var, `.var.dockstore-new` in / when those were missing too). Every
/// changing command removes it right before its first step acts (`DebrisSweep`), beside
/// `WriteDebris.sweep`, but only
/// while it holds exactly what provision puts there: the chain of folders, at most the record
/// (empty, as a kill right after creating it leaves it, or the record with its header), each as
/// dockstore makes it (`Host.sweepFolderChain`). Anything else refuses the command, changing nothing.
public enum FolderRecordDebris {
    /// One chain a provision may have been making: one for each folder of /var/lib/dockstore.
    static var chains: [NewFolderChain] {
        let own = ProvisionFolderRecord.path.parent
        return own.components.indices.map { count in
            ProvisionFolderRecord.newFolder(own.components.prefix(count + 1).reduce(HostPath.root) { $0.appending(String($1)) })
        }
    }

    /// What the record's file may hold in a temporary folder: nothing yet, or a record.
    static func accepts(_ bytes: [UInt8]) -> Bool {
        bytes.isEmpty || ProvisionFolderRecord.folders(in: bytes) != nil
    }

    /// Refuses (exit 2) when a temporary folder holds anything else than provision puts
    /// there; removes nothing. Returns the temporary folders there are.
    @discardableResult
    public static func check(host: Host) throws -> [NewFolderChain] {
        var found: [NewFolderChain] = []
        for chain in chains {
            switch try host.sweepFolderChain(chain, accepts: accepts, removing: false) {
            case .absent: continue
            case .ours: found.append(chain)
            case .foreign(let reason): throw refusal(host, chain, reason)
            }
        }
        return found
    }

    /// Removes every such temporary folder; refuses (exit 2, nothing removed) when one holds
    /// anything else.
    public static func sweep(host: Host) throws {
        // All looked at first, so that a refusal leaves every one as it is.
        for chain in try check(host: host) {
            if case .foreign(let reason) = try host.sweepFolderChain(chain, accepts: accepts, removing: true) {
                throw refusal(host, chain, reason)
            }
        }
    }

    /// Whether a temporary folder is there (or cannot be looked at): a run that finds one is a
    /// changing run, so it takes the lock and sweeps (or refuses).
    public static func present(host: Host) -> Bool {
        chains.contains { chain in
            do { return try host.sweepFolderChain(chain, accepts: accepts, removing: false) != .absent } catch { return true }
        }
    }

    static func refusal(_ host: Host, _ chain: NewFolderChain, _ reason: String) -> DockStoreError {
        .refused("\(host.real(chain.temporaryPath)) is not only what a killed provision leaves while it makes \(host.real(chain.folder)) with its record of folders (\(reason)); nothing was changed: look at it, move it away and re-run")
    }
}
