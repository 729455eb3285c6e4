/// A cache `check` keeps under /var/lib/dockstore about the store teardown takes down: the
/// orphan count (`OrphanTallyCache`, whose first line names the store's data root) and the
/// device error record (`DeviceErrorLedger`) when none of its lines names a btrfs the kernel
/// has mounted (/sys/fs/btrfs/<uuid>) other than this store: the store's own lines, and lines
/// of filesystems long gone. The store's UUID alone would not do: a re-run after a kill past
/// the unmount (or the image's deletion) cannot read it any more.
/// They are dockstore's own files about a store that is going away, so teardown removes them
/// (the `forget-check-caches` step, before the folders, so that /var/lib/dockstore can go:
/// outside attack 11, B17), each while its name is still the file observed here. A cache that
/// names anything else (another data root, another filesystem's counters), or is not a
/// regular file, is not this store's and stays.
public struct CheckCacheLeftover: Sendable, Equatable {
    public enum Which: String, Sendable, Equatable, CaseIterable {
        case orphanCount = "orphan count"
        case deviceErrors = "device error record"

        public var path: HostPath {
            switch self {
            case .orphanCount: return OrphanTallyCache.defaultPath
            case .deviceErrors: return DeviceErrorLedger.defaultPath
            }
        }
    }

    public var which: Which
    /// The cache's file as teardown looked at it: only this file is removed.
    public var file: FileIdentity

    public init(_ which: Which, file: FileIdentity) {
        self.which = which
        self.file = file
    }

    /// The caches of the store with data root `dataRoot` (the mountpoint as the mount table
    /// names it, as check names it in the orphan count) and filesystem `uuid`, read inside --root.
    public static func observe(host: Host, dataRoot: String, uuid: String?, sysfs: String = "/sys") throws -> [CheckCacheLeftover] {
        var found: [CheckCacheLeftover] = []
        // nil: cannot tell which filesystems are mounted, so the record stays.
        let mounted = FolderEntries.names(sysfs + "/fs/btrfs").map { Set($0) }
        for which in Which.allCases {
            guard let before = try host.statusInRoot(which.path), before.kind == .regular,
                  let bytes = try FileContents.read(which.path, on: host),
                  let after = try host.statusInRoot(which.path), FileIdentity(after) == FileIdentity(before),
                  isOfStore(which, bytes, dataRoot: dataRoot, uuid: uuid, mounted: mounted) else { continue }
            found.append(CheckCacheLeftover(which, file: FileIdentity(after)))
        }
        return found
    }

    /// Whether the cache's bytes are about this store only.
    static func isOfStore(_ which: Which, _ bytes: [UInt8], dataRoot: String, uuid: String?, mounted: Set<String>?) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        switch which {
        case .orphanCount:
            guard let key = text.split(separator: "\n", omittingEmptySubsequences: false).first else { return false }
            return key.hasPrefix(dataRoot + " ")
        case .deviceErrors:
            guard let mounted else { return false }
            let filesystems = DeviceErrorLedger.parse(text).keys.map { $0.split(separator: "/").first.map(String.init) ?? "" }
            return !filesystems.isEmpty && filesystems.allSatisfy { $0 == uuid || !mounted.contains($0) }
        }
    }
}

extension TeardownStep {
    /// A cache is removed only while its name is still the file teardown read; one gone since
    /// needs nothing (the action finds nothing).
    static func recheckCheckCaches(_ host: Host, _ caches: [CheckCacheLeftover]) throws {
        for cache in caches {
            guard let status = try host.statusInRoot(cache.which.path) else { continue }
            guard status.kind == .regular, FileIdentity(status) == cache.file else {
                throw DockStoreError.refused("\(host.real(cache.which.path)) is another file than check's \(cache.which.rawValue) teardown read (it was replaced); not removing it: look at it and re-run teardown")
            }
        }
    }
}
