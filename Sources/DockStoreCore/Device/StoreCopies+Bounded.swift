import FoundationEssentials

/// `StoreCopies.scan` in a child process with a deadline (`DeadlineChild`): the scan reads the
/// superblock of every block device on the host, and one that hangs (a loop device over a
/// file on a filesystem that blocks, a stuck volume) must not keep `check`, run every minute,
/// from answering about its own store (outside attack 12, A13).
///
/// The child writes one line `device PATH` before it reads each device, then `copies JSON`
/// (the groups) or `error MESSAGE`; a child that has not finished by the deadline is named by
/// the last device it began.
extension StoreCopies {
    /// The executable's hidden command for the child (`childMain`).
    public static let childCommand = "__scan-store-copies"
    /// Seconds the whole scan may take: well inside a Nagios plugin's default 10 s.
    public static let scanDeadline = 5.0

    public static func scanBounded(uuid: String, deadline: Double = scanDeadline) throws -> [[StoreCopy]] {
        let lines: [Substring]
        switch try DeadlineChild.run([childCommand, uuid], deadline: deadline) {
        case .timedOut(let output):
            let started = String(decoding: output, as: UTF8.self).split(separator: "\n").last { $0.hasPrefix("device ") }
            let device = started.map { String($0.dropFirst("device ".count)) }
            throw DockStoreError.failed(device.map { "\($0) did not answer a read of its superblock within \(Int(deadline)) s (a hung device: see cat /sys/class/block/\($0.split(separator: "/").last ?? "")/inflight and dmesg)" }
                                        ?? "the scan of the host's block devices did not finish within \(Int(deadline)) s")
        case .finished(let output):
            lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        }
        guard let last = lines.last else { throw DockStoreError.failed("the scan of the host's block devices ended without an answer") }
        if last.hasPrefix("error ") { throw DockStoreError.failed(String(last.dropFirst("error ".count))) }
        guard last.hasPrefix("copies "),
              let groups = try? JSONDecoder().decode([[StoreCopy]].self, from: Data(last.dropFirst("copies ".count).utf8)) else {
            throw DockStoreError.failed("the scan of the host's block devices gave an answer dockstore cannot read: \(last.prefix(200))")
        }
        return groups
    }

    /// The child: `scan` of `arguments[0]`, written as `scanBounded` reads it; exit 0, or 64
    /// for arguments it does not take.
    public static func childMain(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1, FilesystemUUID.isValid(arguments[0]) else { return 64 }
        let out = StandardStream.output
        do {
            let groups = try scan(uuid: arguments[0], reading: { out.write("device \($0)\n") })
            let json = try JSONEncoder().encode(groups)
            out.write("copies " + String(decoding: json, as: UTF8.self) + "\n")
        } catch {
            let message = (error as? DockStoreError)?.message ?? "\(error)"
            out.write("error " + message.split(separator: "\n").joined(separator: " ") + "\n")
        }
        return 0
    }
}
