/// The text exposition format, for node_exporter's textfile collector. Every run writes
/// the same metric families with the same label names — also UNKNOWN and an unmounted
/// store — so an alert written against one state sees the others: a figure that could not
/// be read is NaN, never left out, and `mountpoint` is always the one asked about.
extension CapacityReport {
    public func prometheus() -> String {
        var out = ""
        let mp = "mountpoint=\"\(Self.escape(mountpoint))\""
        func metric(_ name: String, _ help: String, _ value: Double?, type: String = "gauge") {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name){\(mp)} \(Self.number(value))\n"
        }
        let f = figures
        let btrfs = f.map { $0.filesystem == "btrfs" } ?? false
        func bytes(_ value: UInt64?) -> Double? { value.map { Double($0) } }
        func flag(_ value: Bool?) -> Double? { value.map { $0 ? 1 : 0 } }
        metric("dockstore_data_size_bytes", "Bytes in data chunks.", bytes(f?.dataSize))
        metric("dockstore_data_used_bytes", "Bytes used in data chunks.", bytes(f?.dataUsed))
        metric("dockstore_data_free_bytes", "Estimated free data bytes, as btrfs filesystem usage computes them.", bytes(f?.dataFree))
        metric("dockstore_effective_free_bytes", "What Docker can still write: data free, less bytes claimed beyond a shrunk device, capped by the host for an image and by a qgroup limit.", bytes(f?.effectiveFree))
        metric("dockstore_metadata_size_bytes", "Bytes in metadata chunks (NaN when not btrfs).", bytes(btrfs ? f?.metadataSize : nil))
        metric("dockstore_metadata_used_bytes", "Metadata bytes used, reserved or promised (global reserve included).", bytes(btrfs ? f?.metadataUsed : nil))
        metric("dockstore_metadata_free_bytes", "Metadata room left for new reservations before ENOSPC.", bytes(btrfs ? f?.metadataFree : nil))
        metric("dockstore_global_reserve_bytes", "The btrfs global block reserve.", bytes(btrfs ? f?.globalReserve : nil))
        metric("dockstore_unallocated_bytes", "Raw device bytes not in any chunk (missing devices left out).", bytes(btrfs ? f?.unallocated : nil))
        metric("dockstore_device_size_bytes", "Raw bytes of the filesystem's present devices.", bytes(btrfs ? f?.deviceSize : nil))
        metric("dockstore_metadata_chunk_need_bytes", "Raw bytes one new metadata chunk takes.", bytes(btrfs ? f?.metadataChunkNeed : nil))
        metric("dockstore_metadata_chunk_bytes", "Logical bytes one new metadata chunk holds.", bytes(btrfs ? f?.metadataChunkSize : nil))
        let host = f?.host
        metric("dockstore_image_apparent_bytes", "Apparent size of the loop image (NaN without a readable image).", bytes(host?.apparentBytes))
        metric("dockstore_image_allocated_bytes", "Bytes the loop image occupies on the host.", bytes(host?.allocatedBytes))
        metric("dockstore_image_unbacked_bytes", "Apparent minus allocated: what the image promises beyond what the host gave it.", bytes(host?.unbackedPromise))
        metric("dockstore_host_free_bytes", "Free bytes on the host filesystem holding the image.", bytes(host?.hostAvailableBytes))
        let quota = f?.quota?.tightest
        metric("dockstore_qgroup_free_bytes", "Bytes left under the tightest btrfs qgroup limit on the data root's qgroup or those above it (NaN: quotas off, no limit, or not btrfs).", bytes(quota?.free))
        metric("dockstore_qgroup_limit_bytes", "That qgroup limit (NaN: quotas off, no limit, or not btrfs).", bytes(quota?.limit))
        metric("dockstore_device_shortfall_bytes", "Raw bytes btrfs claims on its devices beyond their ends (a device shrank under it; NaN when not btrfs).", bytes(btrfs ? f?.deviceShortfall : nil))
        metric("dockstore_inodes", "Inodes of an xfs or ext4 store (NaN for btrfs, which has no fixed count).", bytes(f?.inodes?.total))
        metric("dockstore_inodes_free", "Free inodes of an xfs or ext4 store: at 0 every file create fails with ENOSPC (NaN for btrfs).", bytes(f?.inodes?.free))
        let c = f?.condition
        metric("dockstore_read_only", "1 when the store is read-only (by mount option or forced by btrfs).", flag(c.map { $0.readOnly != .no }))
        metric("dockstore_devices_missing", "btrfs devices missing from the filesystem (mounted degraded).", c.map { Double($0.missingDevices.count) })
        metric("dockstore_image_deleted", "1 when the loop image was deleted, replaced or moved away while mounted.", flag(c.map { ($0.image?.link ?? .present) != .present || $0.movedImage != nil }))
        metric("dockstore_image_second_instances", "Other loop devices over the store's image (or stacked on its loop device) that are mounted: second btrfs instances that lose files.", c.map { Double($0.secondLoops.filter(\.mounted).count + $0.imageStackedLoops.filter(\.mounted).count) })
        metric("dockstore_image_second_loops", "Other loop devices bound to the store's image (or stacked on its loop device), mounted or not.", c.map { Double($0.secondLoops.count + $0.imageStackedLoops.count) })
        metric("dockstore_device_second_instances", "Loop devices stacked on the store's device that are mounted: second btrfs instances that lose files.", c.map { Double($0.deviceStackedLoops.filter(\.mounted).count) })
        metric("dockstore_device_second_loops", "Loop devices stacked on the store's device, mounted or not.", c.map { Double($0.deviceStackedLoops.count) })
        metric("dockstore_exclusive_operation", "1 while a balance, device add/remove/replace or resize runs or is paused.", flag(c.map { $0.exclusiveOperation != nil }))
        metric("dockstore_orphan_subvolumes", "Subvolumes of Docker's btrfs driver no layer, container or image refers to (NaN when it cannot be told).", f?.orphans?.count.map { Double($0) })
        let m = f?.maintenance
        metric("dockstore_last_reclaim_timestamp_seconds", "When the last dockstore reclaim finished (NaN: never, or unreadable).", m?.lastReclaim.map { Double($0.finished) })
        metric("dockstore_last_reclaim_failed", "1 when the last dockstore reclaim failed.", m?.lastReclaim.map { $0.outcome == .failed ? 1 : 0 })
        metric("dockstore_last_reclaim_chunks_relocated", "Chunks the last dockstore reclaim relocated.", m?.lastReclaim.map { Double($0.chunksRelocated) })
        metric("dockstore_last_reclaim_bytes_relocated", "Bytes the last dockstore reclaim relocated, as its I/O budget counts them (NaN: not recorded).", m?.lastReclaim?.bytesRelocated.map { Double($0) })
        let lent = f?.lentRoom
        let journalKnown = m?.reclaimJournalRead ?? false
        metric("dockstore_reclaim_room_lent_bytes", "Raw bytes a dockstore reclaim lent the store and has not given back yet (0: none; NaN: cannot tell).", journalKnown ? Double(lent?.bytes ?? 0) : nil)
        metric("dockstore_reclaim_started_timestamp_seconds", "When the run holding an open reclaim journal began (NaN: no reclaim under way, or cannot tell).", lent.map { Double($0.journal.running ?? $0.journal.started) })
        metric("dockstore_reclaim_interrupted", "1 when a reclaim journal is older than a run takes: an interrupted run whose room dockstore reclaim gives back.", journalKnown ? flag(lent?.stale ?? false) : nil)
        metric("dockstore_store_created_timestamp_seconds", "When the store's btrfs was made (the birth time of its top folder; NaN: not btrfs, or not known): a scrub or reclaim that never ran is overdue counted from then.", m?.storeCreated.map { Double($0) })
        metric("dockstore_host_boot_timestamp_seconds", "When the host booted (btime; NaN where the store's creation time is): the never-ran alerts count from the later of this and the store's creation, so a store made at image build is not overdue at an instance's first boot.", m?.storeCreated == nil ? nil : m?.hostBooted.map { Double($0) })
        metric("dockstore_last_scrub_timestamp_seconds", "When the last btrfs scrub started (NaN: never, or unreadable).", m?.lastScrub?.started)
        metric("dockstore_last_scrub_finished", "1 when the last btrfs scrub finished; 0 when it was canceled, interrupted or still runs (no finished scrub is on record then).", m?.lastScrub.map { $0.finished ? 1 : 0 })
        metric("dockstore_last_scrub_errors", "Errors the last btrfs scrub found (read, csum, verify, super).", m?.lastScrub.map { Double($0.errors) })
        metric("dockstore_last_scrub_uncorrectable_errors", "Errors the last btrfs scrub could not correct.", m?.lastScrub.map { Double($0.uncorrectable) })
        out += "# HELP dockstore_device_errors_total btrfs device error counters, by devid.\n# TYPE dockstore_device_errors_total counter\n"
        if let f, btrfs {
            for device in f.devices {
                for kind in DeviceErrorCounters.names {
                    guard let count = device.errors[kind] else { continue }
                    out += "dockstore_device_errors_total{\(mp),devid=\"\(device.devid)\",type=\"\(kind.dropLast(5))\"} \(count)\n"
                }
            }
        }
        let reason = state == .ok ? "" : (reasons.first?.figure ?? "")
        out += "# HELP dockstore_status Check state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; reason names the worst finding.\n# TYPE dockstore_status gauge\n"
        out += "dockstore_status{\(mp),reason=\"\(reason)\"} \(state.rawValue)\n"
        metric("dockstore_check_success", "1 when the store could be read.", figures == nil ? 0 : 1)
        metric("dockstore_last_run_timestamp_seconds", "When the check ran, in seconds since the epoch.", timestamp)
        return out
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escape(_ text: String) -> String {
        text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).map(String.init).joinedText(b)
    }
}
