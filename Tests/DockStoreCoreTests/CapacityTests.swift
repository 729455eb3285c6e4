import Testing
@testable import DockStoreCore

/// The capacity math and the status rules against recorded kernel figures.
@Suite struct CapacityTests {
    typealias Space = BtrfsReading.Space
    static let dataSingle: UInt64 = 1, metaDUP: UInt64 = 4 | 32, sysDUP: UInt64 = 2 | 32
    static let dataRAID1: UInt64 = 1 | 16, metaRAID1: UInt64 = 4 | 16

    /// Read off a fresh 1 GiB image (btrfs-progs 6.2, kernel 6.18); `btrfs filesystem usage -b`
    /// said: Device unallocated 941228032, Free (estimated) 949616640, Global reserve 5767168.
    static let fresh = BtrfsReading(
        uuid: "u", spaces: [Space(flags: dataSingle, total: 8_388_608, used: 0),
                            Space(flags: sysDUP, total: 8_388_608, used: 16_384),
                            Space(flags: metaDUP, total: 53_673_984, used: 131_072),
                            Space(flags: Space.globalReserve, total: 5_767_168, used: 0)],
        devices: [.init(devid: 1, path: "/dev/loop0", size: 1_073_741_824,
                        errors: ["write_errs": 0, "read_errs": 0, "flush_errs": 0])],
        metadataCommitted: 5_963_776, metadataChunkSize: 268_435_456)

    @Test func matchesBtrfsFilesystemUsage() {
        let f = CapacityFigures(btrfs: Self.fresh, mountpoint: "/m", host: nil)
        #expect(f.unallocated == 941_228_032)
        #expect(f.dataFree == 949_616_640)
        #expect(f.dataRatio == 1)
        #expect(f.metadataRatio == 2)
        #expect(f.metadataUsed == 5_963_776)
        #expect(f.metadataOvercommit == 941_228_032 / 2 / 8)
        #expect(f.metadataFree == 53_673_984 + 941_228_032 / 2 / 8 - 5_963_776)
        #expect(f.globalReserve == 5_767_168)
        #expect(f.metadataChunkNeed == 1_073_741_824 / 10 * 2, "a chunk is at most a tenth of the device, twice for DUP")
        #expect(f.effectiveFree == f.dataFree)
    }

    @Test func raid1HalvesTheUnallocatedSpace() {
        let r = BtrfsReading(uuid: "u", spaces: [Space(flags: Self.dataRAID1, total: 1 << 30, used: 512 << 20),
                                                 Space(flags: Self.metaRAID1, total: 256 << 20, used: 16 << 20)],
                             devices: [.init(devid: 1, path: "/dev/a", size: 10 << 30), .init(devid: 2, path: "/dev/b", size: 10 << 30)])
        let f = CapacityFigures(btrfs: r, mountpoint: "/m", host: nil)
        #expect(f.unallocated == (20 << 30) - (2 << 30) - (512 << 20))
        #expect(f.dataRatio == 2)
        #expect(f.dataFree == (512 << 20) + f.unallocated / 2)
        #expect(f.metadataUsed == 16 << 20, "without sysfs: used + global reserve (none here)")
    }

    @Test func tinyUnallocatedIsNotCountedAsFree() {
        let r = BtrfsReading(uuid: "u", spaces: [Space(flags: Self.dataSingle, total: 1000 << 20, used: 900 << 20)],
                             devices: [.init(devid: 1, path: "/dev/a", size: (1000 << 20) + (8 << 20))])
        let f = CapacityFigures(btrfs: r, mountpoint: "/m", host: nil)
        #expect(f.unallocated == 8 << 20)
        #expect(f.dataFree == 100 << 20, "below 16 MiB, unallocated space is not added, as in btrfs-progs")
    }

    @Test func hostCapsTheEffectiveFree() {
        let host = HostBacking(image: "/i", apparentBytes: 100 << 30, allocatedBytes: 5 << 30, hostAvailableBytes: 2 << 30)
        let f = CapacityFigures(btrfs: Self.fresh, mountpoint: "/m", host: host)
        #expect(f.effectiveFree == min(f.dataFree, 2 << 30))
        #expect(host.unbackedPromise == 95 << 30)
    }

    @Test(arguments: [
        ("20%:", 19, 100, true), ("20%:", 20, 100, false), ("10", 11, 0, true), ("10", 5, 0, false),
        ("~:10", 11, 0, true), ("~:10", 0, 0, false), ("10:20", 9, 0, true), ("10:20", 15, 0, false),
        ("10:20", 21, 0, true), ("@10:20", 15, 0, true), ("@10:20", 25, 0, false), ("1K:", 1023, 0, true),
        ("1K:", 1024, 0, false),
    ] as [(String, UInt64, UInt64, Bool)])
    func nagiosRanges(_ text: String, _ value: UInt64, _ base: UInt64, _ alerts: Bool) throws {
        #expect(try NagiosRange(text, what: "-w").alerts(value, base: base) == alerts, "\(text) at \(value)")
    }

    @Test(arguments: ["", "abc", "20%%", "120%:", ":", "@", "10:x", "-5G:"])
    func badRanges(_ text: String) {
        #expect(throws: DockStoreError.self) { try NagiosRange(text, what: "-w") }
    }

    @Test func perfdataRangesAreInBytes() throws {
        #expect(try NagiosRange("20%:", what: "").perfdata(base: 1000) == "200:")
        #expect(try NagiosRange("~:10", what: "").perfdata(base: 0) == "~:10")
        #expect(try NagiosRange("10", what: "").perfdata(base: 0) == "10")
        #expect(try NagiosRange("@1K:2K", what: "").perfdata(base: 0) == "@1024:2048")
    }

    /// A store whose figures are set directly, for the rule table.
    static func figures(dataFree: UInt64 = 50 << 30, dataUsed: UInt64 = 50 << 30, dataSize: UInt64? = nil, metaSize: UInt64 = 1 << 30,
                        metaUsed: UInt64 = 100 << 20, unallocated: UInt64 = 40 << 30, host: UInt64? = nil,
                        errors: DeviceErrorCounters = [:]) -> CapacityFigures {
        var f = CapacityFigures(btrfs: fresh, mountpoint: "/var/lib/docker", host: nil)
        f.dataFree = dataFree
        f.dataUsed = dataUsed
        f.dataSize = dataSize ?? dataUsed + (10 << 30)
        f.metadataSize = metaSize
        f.metadataUsed = metaUsed
        f.unallocated = unallocated
        f.deviceSize = 100 << 30
        f.metadataChunkNeed = 2 << 30
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: 100 << 30, errors: errors)]
        if let host { f.host = HostBacking(image: "/var/lib/docker-storage.btrfs", apparentBytes: 100 << 30, allocatedBytes: 50 << 30, hostAvailableBytes: host) }
        return f
    }

    static let defaultPolicy: CapacityPolicy = { (try? CapacityPolicy()) ?? { fatalError("default policy") }() }()

    /// A 1 GiB store: a metadata chunk is a tenth of it (102.4 MiB), 204.8 MiB raw in DUP.
    static func smallStore(metaSize: UInt64, metaUsed: UInt64, unallocated: UInt64) -> CapacityFigures {
        var f = figures(dataFree: 450 << 20, dataUsed: 450 << 20, dataSize: 600 << 20, metaSize: metaSize, metaUsed: metaUsed, unallocated: unallocated)
        f.deviceSize = 1 << 30
        f.metadataChunkNeed = (1 << 30) / 10 * 2
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: 1 << 30, errors: [:])]
        return f
    }

    static let rules: [(String, CapacityFigures, CheckState, String?)] = [
        ("small store: a chunk added while reclaim lent room holds more than a chunk free, unallocated below one chunk",
         smallStore(metaSize: 204 << 20, metaUsed: 50 << 20, unallocated: 142 << 20), .ok, nil),
        ("small store: unallocated below one chunk, less than a chunk free in metadata",
         smallStore(metaSize: 102 << 20, metaUsed: 30 << 20, unallocated: 142 << 20), .warning, "unallocated"),
        ("small store: metadata filling, unallocated below one chunk",
         smallStore(metaSize: 204 << 20, metaUsed: 170 << 20, unallocated: 142 << 20), .warning, "metadata_free"),
        ("small store: one chunk unallocated, metadata has room",
         smallStore(metaSize: 102 << 20, metaUsed: 50 << 20, unallocated: 210 << 20), .ok, nil),
        ("healthy", figures(), .ok, nil),
        ("data 15% free", figures(dataFree: 15 << 30, dataUsed: 85 << 30), .warning, "data_free"),
        ("data 5% free", figures(dataFree: 5 << 30, dataUsed: 95 << 30), .critical, "data_free"),
        ("df-hidden ENOSPC: metadata nearly full, no chunk left", figures(metaUsed: 1000 << 20, unallocated: 256 << 20), .critical, "metadata_free"),
        ("metadata nearly full, one chunk left, two not", figures(metaUsed: 1000 << 20, unallocated: 3 << 30), .warning, "metadata_free"),
        ("metadata filling, no chunk left", figures(metaUsed: 850 << 20, unallocated: 256 << 20), .warning, "metadata_free"),
        ("reservations beyond the chunks, backed by unallocated space", figures(metaUsed: 1100 << 20, unallocated: 40 << 30), .ok, nil),
        ("metadata nearly full but room for chunks", figures(metaUsed: 950 << 20, unallocated: 40 << 30), .ok, nil),
        ("no unallocated but metadata has room: no metadata chunk can be added", figures(metaUsed: 100 << 20, unallocated: 0), .warning, "unallocated"),
        ("unallocated below two chunks only, metadata has room", figures(metaUsed: 100 << 20, unallocated: 3 << 30), .ok, nil),
        ("host cannot back the image", figures(host: 3 << 30), .critical, "host_free"),
        ("host low", figures(host: 15 << 30), .warning, "host_free"),
        ("host has more than btrfs can take", figures(host: 500 << 30), .ok, nil),
        ("write errors", figures(errors: ["write_errs": 3]), .critical, "device_errors"),
        ("read errors never seen before: a rise", figures(errors: ["read_errs": 1]), .critical, "device_errors"),
    ]

    @Test func aGivenUnallocatedThresholdIsJudgedOnItsOwn() throws {
        let f = Self.smallStore(metaSize: 204 << 20, metaUsed: 50 << 20, unallocated: 142 << 20)
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(unallocatedCritical: "150M:"), timestamp: 0)
        #expect(report.state == .warning, "\(report.reasons)")
        #expect(report.reasons.first?.figure == "unallocated")
    }

    @Test(arguments: rules)
    func judges(_ name: String, _ f: CapacityFigures, _ state: CheckState, _ figure: String?) throws {
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == state, "\(name): \(report.reasons)")
        #expect(report.reasons.first?.figure == figure, "\(name)")
        for reason in report.reasons { #expect(!reason.message.contains("\n")) }
    }

    @Test func messagesSayWhatToDo() throws {
        let report = CapacityReport(figures: Self.figures(metaUsed: 1000 << 20, unallocated: 256 << 20), policy: try CapacityPolicy(), timestamp: 0)
        let line = report.nagios(policy: try CapacityPolicy())
        #expect(line.hasPrefix("DOCKSTORE CRITICAL - metadata free 40 MiB (3.9%) is below 10% (102.4 MiB) while unallocated 256 MiB is below 2 GiB (one metadata chunk needs 2 GiB): writes will fail with ENOSPC although df shows space; the data chunks are 84% full on average, so return the emptier ones: dockstore reclaim --mountpoint /var/lib/docker (or grow the image (dockstore grow --to SIZE --mountpoint /var/lib/docker"), "\(line)")
        let host = CapacityReport(figures: Self.figures(host: 3 << 30), policy: try CapacityPolicy(), timestamp: 0)
        #expect(host.reasons.first?.message.contains("dockstore migrate-ebs") == true)
    }

    @Test func rendersNagiosExactly() throws {
        let policy = try CapacityPolicy()
        let report = CapacityReport(figures: CapacityFigures(btrfs: Self.fresh, mountpoint: "/var/lib/docker", host: nil), policy: policy, timestamp: 0)
        #expect(report.nagios(policy: policy) == "DOCKSTORE OK - data 905.6 MiB free of 905.6 MiB (100.0%), metadata 101.6 MiB free, unallocated 897.6 MiB | 'data_free'=949616640B;189923328:;94961664:;0;949616640 'data_used'=0B;;;0;949616640 'metadata_free'=106536960B;13418496:;5367398:;0;112500736 'metadata_used'=5963776B;;;0;112500736 'unallocated'=941228032B;429496728:;214748364:;0;1073741824 'devid1_write_errs'=0c;;;0; 'devid1_read_errs'=0c;;;0; 'devid1_flush_errs'=0c;;;0;")
        #expect(CapacityReport(unknown: "nothing is mounted at /x", mountpoint: "/x", timestamp: 0).nagios(policy: policy) == "DOCKSTORE UNKNOWN - nothing is mounted at /x")
    }

    /// Attack 12, B09: no perfdata value is above its own max (metadata free counts the
    /// overcommit allowance, so its max is the chunks plus that allowance).
    @Test(arguments: [0 as UInt64, 5 << 20, 900 << 20])
    func noPerfdataValueIsAboveItsMax(_ metaUsed: UInt64) throws {
        let policy = try CapacityPolicy()
        let line = CapacityReport(figures: Self.figures(metaUsed: metaUsed, unallocated: 4 << 30), policy: policy, timestamp: 0).nagios(policy: policy)
        let perfdata = try #require(line.split(separator: "|", maxSplits: 1).last)
        for item in perfdata.split(separator: " ") {
            let fields = item.split(separator: "=", maxSplits: 1).last?.split(separator: ";", omittingEmptySubsequences: false) ?? []
            guard fields.count == 5, let max = UInt64(fields[4]) else { continue }
            let value = try #require(UInt64(fields[0].filter(\.isNumber)), "\(item)")
            #expect(value <= max, "\(item)")
        }
    }

    @Test func rendersPrometheusExactly() throws {
        let report = CapacityReport(figures: CapacityFigures(filesystem: "xfs", mountpoint: "/var/lib/docker", total: 1000, available: 600, used: 400),
                                    policy: try CapacityPolicy(), timestamp: 1_790_000_000.5)
        #expect(report.prometheus() == """
            # HELP dockstore_data_size_bytes Bytes in data chunks.
            # TYPE dockstore_data_size_bytes gauge
            dockstore_data_size_bytes{mountpoint="/var/lib/docker"} 1000
            # HELP dockstore_data_used_bytes Bytes used in data chunks.
            # TYPE dockstore_data_used_bytes gauge
            dockstore_data_used_bytes{mountpoint="/var/lib/docker"} 400
            # HELP dockstore_data_free_bytes Estimated free data bytes, as btrfs filesystem usage computes them.
            # TYPE dockstore_data_free_bytes gauge
            dockstore_data_free_bytes{mountpoint="/var/lib/docker"} 600
            # HELP dockstore_effective_free_bytes What Docker can still write: data free, less bytes claimed beyond a shrunk device, capped by the host for an image and by a qgroup limit.
            # TYPE dockstore_effective_free_bytes gauge
            dockstore_effective_free_bytes{mountpoint="/var/lib/docker"} 600
            # HELP dockstore_metadata_size_bytes Bytes in metadata chunks (NaN when not btrfs).
            # TYPE dockstore_metadata_size_bytes gauge
            dockstore_metadata_size_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_metadata_used_bytes Metadata bytes used, reserved or promised (global reserve included).
            # TYPE dockstore_metadata_used_bytes gauge
            dockstore_metadata_used_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_metadata_free_bytes Metadata room left for new reservations before ENOSPC.
            # TYPE dockstore_metadata_free_bytes gauge
            dockstore_metadata_free_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_global_reserve_bytes The btrfs global block reserve.
            # TYPE dockstore_global_reserve_bytes gauge
            dockstore_global_reserve_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_unallocated_bytes Raw device bytes not in any chunk (missing devices left out).
            # TYPE dockstore_unallocated_bytes gauge
            dockstore_unallocated_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_device_size_bytes Raw bytes of the filesystem's present devices.
            # TYPE dockstore_device_size_bytes gauge
            dockstore_device_size_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_metadata_chunk_need_bytes Raw bytes one new metadata chunk takes.
            # TYPE dockstore_metadata_chunk_need_bytes gauge
            dockstore_metadata_chunk_need_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_metadata_chunk_bytes Logical bytes one new metadata chunk holds.
            # TYPE dockstore_metadata_chunk_bytes gauge
            dockstore_metadata_chunk_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_image_apparent_bytes Apparent size of the loop image (NaN without a readable image).
            # TYPE dockstore_image_apparent_bytes gauge
            dockstore_image_apparent_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_image_allocated_bytes Bytes the loop image occupies on the host.
            # TYPE dockstore_image_allocated_bytes gauge
            dockstore_image_allocated_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_image_unbacked_bytes Apparent minus allocated: what the image promises beyond what the host gave it.
            # TYPE dockstore_image_unbacked_bytes gauge
            dockstore_image_unbacked_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_host_free_bytes Free bytes on the host filesystem holding the image.
            # TYPE dockstore_host_free_bytes gauge
            dockstore_host_free_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_qgroup_free_bytes Bytes left under the tightest btrfs qgroup limit on the data root's qgroup or those above it (NaN: quotas off, no limit, or not btrfs).
            # TYPE dockstore_qgroup_free_bytes gauge
            dockstore_qgroup_free_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_qgroup_limit_bytes That qgroup limit (NaN: quotas off, no limit, or not btrfs).
            # TYPE dockstore_qgroup_limit_bytes gauge
            dockstore_qgroup_limit_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_device_shortfall_bytes Raw bytes btrfs claims on its devices beyond their ends (a device shrank under it; NaN when not btrfs).
            # TYPE dockstore_device_shortfall_bytes gauge
            dockstore_device_shortfall_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_inodes Inodes of an xfs or ext4 store (NaN for btrfs, which has no fixed count).
            # TYPE dockstore_inodes gauge
            dockstore_inodes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_inodes_free Free inodes of an xfs or ext4 store: at 0 every file create fails with ENOSPC (NaN for btrfs).
            # TYPE dockstore_inodes_free gauge
            dockstore_inodes_free{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_read_only 1 when the store is read-only (by mount option or forced by btrfs).
            # TYPE dockstore_read_only gauge
            dockstore_read_only{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_devices_missing btrfs devices missing from the filesystem (mounted degraded).
            # TYPE dockstore_devices_missing gauge
            dockstore_devices_missing{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_image_deleted 1 when the loop image was deleted, replaced or moved away while mounted.
            # TYPE dockstore_image_deleted gauge
            dockstore_image_deleted{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_image_second_instances Other loop devices over the store's image (or stacked on its loop device) that are mounted: second btrfs instances that lose files.
            # TYPE dockstore_image_second_instances gauge
            dockstore_image_second_instances{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_image_second_loops Other loop devices bound to the store's image (or stacked on its loop device), mounted or not.
            # TYPE dockstore_image_second_loops gauge
            dockstore_image_second_loops{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_device_second_instances Loop devices stacked on the store's device that are mounted: second btrfs instances that lose files.
            # TYPE dockstore_device_second_instances gauge
            dockstore_device_second_instances{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_device_second_loops Loop devices stacked on the store's device, mounted or not.
            # TYPE dockstore_device_second_loops gauge
            dockstore_device_second_loops{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_exclusive_operation 1 while a balance, device add/remove/replace or resize runs or is paused.
            # TYPE dockstore_exclusive_operation gauge
            dockstore_exclusive_operation{mountpoint="/var/lib/docker"} 0
            # HELP dockstore_orphan_subvolumes Subvolumes of Docker's btrfs driver no layer, container or image refers to (NaN when it cannot be told).
            # TYPE dockstore_orphan_subvolumes gauge
            dockstore_orphan_subvolumes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_reclaim_timestamp_seconds When the last dockstore reclaim finished (NaN: never, or unreadable).
            # TYPE dockstore_last_reclaim_timestamp_seconds gauge
            dockstore_last_reclaim_timestamp_seconds{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_reclaim_failed 1 when the last dockstore reclaim failed.
            # TYPE dockstore_last_reclaim_failed gauge
            dockstore_last_reclaim_failed{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_reclaim_chunks_relocated Chunks the last dockstore reclaim relocated.
            # TYPE dockstore_last_reclaim_chunks_relocated gauge
            dockstore_last_reclaim_chunks_relocated{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_reclaim_bytes_relocated Bytes the last dockstore reclaim relocated, as its I/O budget counts them (NaN: not recorded).
            # TYPE dockstore_last_reclaim_bytes_relocated gauge
            dockstore_last_reclaim_bytes_relocated{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_reclaim_room_lent_bytes Raw bytes a dockstore reclaim lent the store and has not given back yet (0: none; NaN: cannot tell).
            # TYPE dockstore_reclaim_room_lent_bytes gauge
            dockstore_reclaim_room_lent_bytes{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_reclaim_started_timestamp_seconds When the run holding an open reclaim journal began (NaN: no reclaim under way, or cannot tell).
            # TYPE dockstore_reclaim_started_timestamp_seconds gauge
            dockstore_reclaim_started_timestamp_seconds{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_reclaim_interrupted 1 when a reclaim journal is older than a run takes: an interrupted run whose room dockstore reclaim gives back.
            # TYPE dockstore_reclaim_interrupted gauge
            dockstore_reclaim_interrupted{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_store_created_timestamp_seconds When the store's btrfs was made (the birth time of its top folder; NaN: not btrfs, or not known): a scrub or reclaim that never ran is overdue counted from then.
            # TYPE dockstore_store_created_timestamp_seconds gauge
            dockstore_store_created_timestamp_seconds{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_host_boot_timestamp_seconds When the host booted (btime; NaN where the store's creation time is): the never-ran alerts count from the later of this and the store's creation, so a store made at image build is not overdue at an instance's first boot.
            # TYPE dockstore_host_boot_timestamp_seconds gauge
            dockstore_host_boot_timestamp_seconds{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_scrub_timestamp_seconds When the last btrfs scrub started (NaN: never, or unreadable).
            # TYPE dockstore_last_scrub_timestamp_seconds gauge
            dockstore_last_scrub_timestamp_seconds{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_scrub_finished 1 when the last btrfs scrub finished; 0 when it was canceled, interrupted or still runs (no finished scrub is on record then).
            # TYPE dockstore_last_scrub_finished gauge
            dockstore_last_scrub_finished{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_scrub_errors Errors the last btrfs scrub found (read, csum, verify, super).
            # TYPE dockstore_last_scrub_errors gauge
            dockstore_last_scrub_errors{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_last_scrub_uncorrectable_errors Errors the last btrfs scrub could not correct.
            # TYPE dockstore_last_scrub_uncorrectable_errors gauge
            dockstore_last_scrub_uncorrectable_errors{mountpoint="/var/lib/docker"} NaN
            # HELP dockstore_device_errors_total btrfs device error counters, by devid.
            # TYPE dockstore_device_errors_total counter
            # HELP dockstore_status Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; reason names the worst finding.
            # TYPE dockstore_status gauge
            dockstore_status{mountpoint="/var/lib/docker",reason=""} 0
            # HELP dockstore_check_success 1 when the store could be read.
            # TYPE dockstore_check_success gauge
            dockstore_check_success{mountpoint="/var/lib/docker"} 1
            # HELP dockstore_last_run_timestamp_seconds When the check ran, in seconds since the epoch.
            # TYPE dockstore_last_run_timestamp_seconds gauge
            dockstore_last_run_timestamp_seconds{mountpoint="/var/lib/docker"} 1790000000.5

            """)
    }

    @Test func rendersJSONWithEveryFigure() throws {
        let report = CapacityReport(figures: CapacityFigures(btrfs: Self.fresh, mountpoint: "/m", host: nil), policy: try CapacityPolicy(), timestamp: 0)
        let json = try report.json()
        for key in ["\"dataFree\" : 949616640", "\"unallocated\" : 941228032", "\"metadataUsed\" : 5963776", "\"state\" : 0",
                    "\"reasons\" : [", "\"write_errs\" : 0"] {
            #expect(json.contains(key), "\(key)")
        }
    }

    @Test func growPlans() throws {
        let image = HostBacking(image: "/i", apparentBytes: 1 << 30, allocatedBytes: 100 << 20, hostAvailableBytes: 10 << 30)
        let loop = GrowObservation(mountpoint: "/m", fstype: "btrfs", uuid: "u",
                                   devices: [.init(devid: 1, path: "/dev/loop0", btrfsSize: 1 << 30, blockSize: 1 << 30, image: image)])
        #expect(try GrowPlanner.plan(loop, to: 2 << 30, allowOvercommit: false).steps.map(\.id) == ["extend-image", "loop-capacity", "resize"])
        #expect(try GrowPlanner.plan(loop, to: 1 << 30, allowOvercommit: false).steps.isEmpty)
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(loop, to: 512 << 20, allowOvercommit: false) }
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(loop, to: 20 << 30, allowOvercommit: false) }
        #expect(try GrowPlanner.plan(loop, to: 20 << 30, allowOvercommit: true).warnings.count == 1)
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(loop, to: nil, allowOvercommit: false) }
        // Devices added by hand, no migration open (attack 53 W Z5a: it guessed "a migration in progress?").
        var two = loop
        two.devices.append(.init(devid: 2, path: "/dev/zram1", btrfsSize: 1 << 30, blockSize: 1 << 30))
        #expect(throws: DockStoreError.refused("/m spans 2 devices (devid 1 /dev/loop0, 2 /dev/zram1), and grow grows a store of one; nothing was changed: move the store onto one (btrfs device remove DEVID /m for each other) and re-run, or grow each device yourself (btrfs filesystem resize DEVID:max /m)")) {
            try GrowPlanner.plan(two, to: 2 << 30, allowOvercommit: false)
        }
        var lent = loop
        lent.reclaimOpen = true
        #expect(throws: DockStoreError.refused("a dockstore reclaim run lent the store temporary room and has not given it back (/var/lib/dockstore/reclaim.json); run dockstore reclaim to finish it, then grow")) {
            try GrowPlanner.plan(lent, to: 2 << 30, allowOvercommit: false)
        }
        // A migration open (attack 13 X9): refused before anything, whatever the devices.
        var moving = loop
        moving.migration = MigrationJournal(image: "/var/lib/docker-storage.btrfs", device: "/dev/xvdf", filesystemUUID: "u",
                                            volumeID: nil, keepImage: false, method: .replace)
        #expect(throws: DockStoreError.refused("a migration of the store at /m onto /dev/xvdf is open (phase: moving, /var/lib/dockstore/migration.json); grow changes nothing while it is: finish it (dockstore migrate-ebs /dev/xvdf) and grow the volume's store then, or abort it (dockstore migrate-ebs /dev/xvdf --abort) and grow the image")) {
            try GrowPlanner.plan(moving, to: 2 << 30, allowOvercommit: false)
        }
        let ebs = GrowObservation(mountpoint: "/m", fstype: "btrfs", uuid: "u",
                                  devices: [.init(devid: 1, path: "/dev/nvme1n1", btrfsSize: 100 << 30, blockSize: 200 << 30, image: nil)])
        #expect(try GrowPlanner.plan(ebs, to: nil, allowOvercommit: false).steps == [.resizeFilesystem(devid: 1, uuid: "u", from: 100 << 30, to: 200 << 30)])
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(ebs, to: 300 << 30, allowOvercommit: false) }
        let twoDevices = GrowObservation(mountpoint: "/m", fstype: "btrfs", uuid: "u", devices: loop.devices + ebs.devices)
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(twoDevices, to: nil, allowOvercommit: false) }
    }
}
