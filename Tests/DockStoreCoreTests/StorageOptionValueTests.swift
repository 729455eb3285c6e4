import Testing
@testable import DockStoreCore

/// Outside attack 12, B17: storage option values judged as dockerd 20.10's graphdrivers parse
/// them (go-units v0.4.0 RAMInBytes, strconv.ParseBool/ParseUint/ParseInt and their ranges),
/// and the size limits that need project quota. dockerd itself judges the btrfs and overlay2
/// rows in IntegrationTests/StorageOptOracleTests.
@Suite struct StorageOptionValueTests {
    @Test(arguments: ["10G", "10g", "512MiB", "512mib", "1.5g", "0", "0.4", "1 G", "7b", "3KB", "2kib", "1PiB", "1t",
                      "00012", "99999999999999999999P", " 1G", "1G\t"])
    func sizesDockerdReads(_ value: String) {
        #expect(StorageOptionValue.problem(key: "btrfs.min_space", value: value) == nil, "\(value)")
        #expect(throws: Never.self) { try StorageOption(parsing: "overlay2.size=\(value.filter { $0 != " " && $0 != "\t" })", for: .overlay2) }
    }

    @Test(arguments: ["10E", "-1", "+1", "0x10", "1e3", "1.2.3", "1.", ".5", "1GG", "1Gi B", "1  G", "1bi", "G", "1_000",
                      "1G,btrfs.min_space=2G", "١", "1" + String(repeating: "0", count: 400)])
    func sizesDockerdRefuses(_ value: String) {
        #expect(StorageOptionValue.problem(key: "btrfs.min_space", value: value)?.contains("is not a size dockerd reads") == true, "\(value)")
    }

    @Test func theSizeIsComputedAsGoUnitsDoes() {
        #expect(GoSize.ramInBytes(Array("1.5k".utf8)) == 1536)
        #expect(GoSize.ramInBytes(Array("2MiB".utf8)) == 2_097_152.0)
        #expect(GoSize.ramInBytes(Array("0.9".utf8)) == 0.9)
        #expect(StorageOptionValue.asksForQuota(key: "overlay2.size", value: "0.9") == false)
        #expect(StorageOptionValue.asksForQuota(key: "overlay2.size", value: "0") == false)
        #expect(StorageOptionValue.asksForQuota(key: "overlay2.size", value: "1") == true)
        #expect(StorageOptionValue.asksForQuota(key: "overlay2.size", value: "99999999999999999999P") == true)
        #expect(StorageOptionValue.asksForQuota(key: "btrfs.min_space", value: "1G") == false)
    }

    @Test(arguments: [
        ("dm.blkdiscard", "True", true), ("dm.blkdiscard", "yes", false), ("dm.fs", "xfs", true), ("dm.fs", "XFS", false),
        ("dm.min_free_space", "0%", true), ("dm.min_free_space", "99%", true), ("dm.min_free_space", "10%%", false),
        ("dm.thinp_percent", "95%", true), ("dm.thinp_percent", "95", true), ("dm.thinp_metapercent", "+1", false),
        ("dm.thinp_autoextend_threshold", "100", true), ("dm.xfs_nospace_max_retries", "18446744073709551615", true),
        ("dm.xfs_nospace_max_retries", "18446744073709551616", false), ("dm.libdm_log_level", "+7", true),
        ("dm.libdm_log_level", "2", true), ("dm.libdm_log_level", "1", false), ("dm.thinp_percent", "4294967296", false),
        ("dm.mkfsarg", "-K", true), ("zfs.fsname", "zroot/docker", true),
    ])
    func otherKeysAsDockerdParsesThem(_ key: String, _ value: String, _ accepted: Bool) {
        #expect((StorageOptionValue.problem(key: key, value: value) == nil) == accepted, "\(key)=\(value)")
    }

    @Test func theReportNamesAValueProblemAndAnEmptyValue() {
        #expect(StorageOption.problem("btrfs.min_space=", for: .btrfs) == "'btrfs.min_space=': the value after '=' is empty; give a size, e.g. btrfs.min_space=10G")
        #expect(StorageOption.problem("btrfs.min_space=10E", for: .btrfs) == "'btrfs.min_space=10E': '10E' is not a size dockerd reads (invalid size: digits with an optional fraction, then an optional unit k, m, g, t or p with an optional i and b, such as 10G, 512MiB or 1.5g; no sign, no E), and dockerd refuses to start on it; give a size, e.g. btrfs.min_space=10G")
        #expect(StorageOption.problem("BTRFS.MIN_SPACE=1G", for: .btrfs) == nil)
        #expect(StorageOption.problem("SIZE=1G", for: .vfs)?.contains("vfs reads its key in lower case only") == true)
    }

    @Test(arguments: [
        (["overlay2.size=1G"], "ext4", false, "is on ext4: dockerd refuses to start (\"Storage Option overlay2.size only supported for backingFS XFS\")"),
        (["overlay2.size=1G"], "xfs", false, "the xfs at /var/lib/docker is mounted without pquota: dockerd refuses to start (\"Storage option overlay2.size not supported. Filesystem does not support Project Quota\"); mount it with pquota (DOCKSTORE_MOUNT_OPTIONS=\"pquota\""),
        (["overlay2.size=1G"], "btrfs", false, "is on btrfs"),
    ])
    func sizeLimitsNeedProjectQuota(_ options: [String], _ fs: String, _ quota: Bool, _ says: String) {
        let problem = StorageQuota.problem(options: options, filesystem: FilesystemType(name: fs), projectQuota: quota, target: "/var/lib/docker")
        #expect(problem?.contains(says) == true, "\(problem ?? "nil")")
    }

    @Test func sizeLimitsDockerdTakes() {
        #expect(StorageQuota.problem(options: ["overlay2.size=1G"], filesystem: FilesystemType(name: "xfs"), projectQuota: true, target: "/d") == nil)
        #expect(StorageQuota.problem(options: ["overlay2.size=0"], filesystem: FilesystemType(name: "ext4"), projectQuota: false, target: "/d") == nil)
        #expect(StorageQuota.problem(options: ["overlay2.override_kernel_check=1"], filesystem: FilesystemType(name: "ext4"), projectQuota: nil, target: "/d") == nil)
        #expect(StorageQuota.enforced(options: ["rw", "prjquota"]) && StorageQuota.enforced(options: ["pquota"]))
        #expect(!StorageQuota.enforced(options: ["rw", "pqnoenforce"]))
    }

    /// Outside attack 12, B19: a store line's options judged by the settings' one table.
    @Test func aStoreLineIsJudgedByTheSettingsTable() {
        #expect(MountOptions.unusable(inLine: ["loop", "nofail", "defaults", "nosuid", "nodev", "noatime"]) == nil)
        let bad = MountOptions.unusable(inLine: ["noatime", "noexec", "loop", "offset=4096", "ro"])
        #expect(bad?.option == "noexec" && bad?.all == ["noexec", "offset=4096", "ro"])
        #expect(bad?.reason == MountOptions.unusable("noexec"))
        #expect(MountOptions.unusable(inLine: ["loop=/dev/loop7"])?.reason.contains("loop device option") == true)
    }
}
