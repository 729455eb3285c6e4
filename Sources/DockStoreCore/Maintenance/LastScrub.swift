/// The last scrub btrfs-progs recorded for a filesystem in /var/lib/btrfs/scrub.status.<fsid>
/// (cmds/scrub.c, scrub_write_file): a line `scrub status:1`, then one line per device,
/// `<fsid>:<devid>|key:value|…` with the kernel's scrub progress counters and `t_start`,
/// `duration`, `canceled`, `finished`.
public struct LastScrub: Sendable, Equatable, Codable {
    public static func path(fsid: String) -> HostPath { HostPath.known("/var/lib/btrfs/scrub.status.\(fsid)") }

    /// The earliest device start, seconds since the epoch.
    public var started: Double
    /// The latest device end (start + duration).
    public var ended: Double
    /// "finished", "canceled" or "running" (or interrupted: not finished, not canceled).
    public var state: String
    public var bytesScrubbed: UInt64
    /// Errors found, as `btrfs scrub status` counts them: read + csum + verify + super.
    public var errors: UInt64
    public var corrected: UInt64
    public var uncorrectable: UInt64

    /// Whether every device's scrub finished. btrfs-progs keeps only the latest scrub, so
    /// after a canceled or interrupted one no finished scrub is on record at all: its start
    /// is when a scrub last began, not when one last verified the store.
    public var finished: Bool { state == "finished" }

    public static func parse(_ text: String, path: String) throws -> LastScrub {
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first, header.hasPrefix("scrub status:") else {
            throw DockStoreError.failed("\(path) does not start with 'scrub status:'")
        }
        guard header.dropFirst("scrub status:".count) == "1" else {
            throw DockStoreError.failed("\(path) has a scrub status version other than 1 ('\(header)')")
        }
        var scrub = LastScrub(started: .infinity, ended: 0, state: "finished", bytesScrubbed: 0, errors: 0, corrected: 0, uncorrectable: 0)
        var devices = 0, finished = 0, canceled = 0
        for line in lines.dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            var values: [String: UInt64] = [:]
            for field in fields.dropFirst() {
                let pair = field.split(separator: ":", maxSplits: 1)
                guard pair.count == 2, let value = UInt64(pair[1]) else {
                    throw DockStoreError.failed("\(path): '\(field)' is not key:number")
                }
                values[String(pair[0])] = value
            }
            func value(_ key: String) throws -> UInt64 {
                guard let v = values[key] else { throw DockStoreError.failed("\(path): a device line has no \(key)") }
                return v
            }
            let start = Double(try value("t_start"))
            devices += 1
            scrub.started = min(scrub.started, start)
            scrub.ended = max(scrub.ended, start + Double(try value("duration")))
            scrub.bytesScrubbed += try value("data_bytes_scrubbed") + value("tree_bytes_scrubbed")
            scrub.errors += try value("read_errors") + value("csum_errors") + value("verify_errors") + value("super_errors")
            scrub.corrected += try value("corrected_errors")
            scrub.uncorrectable += try value("uncorrectable_errors")
            if try value("finished") != 0 { finished += 1 }
            if try value("canceled") != 0 { canceled += 1 }
        }
        guard devices > 0 else { throw DockStoreError.failed("\(path) has no device lines") }
        scrub.state = canceled > 0 ? "canceled" : finished == devices ? "finished" : "running or interrupted"
        return scrub
    }
}
