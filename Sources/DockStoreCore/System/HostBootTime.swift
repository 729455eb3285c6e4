/// When the host booted: `btime` in /proc/stat, seconds since the epoch (readable by anyone).
public enum HostBootTime {
    public static func read(proc: String = "/proc") throws(DockStoreError) -> Int64 {
        let path = "\(proc)/stat"
        let text: String?
        do {
            text = try FileContents.readString(path)
        } catch {
            throw DockStoreError.failed("cannot read the boot time: \((error as? DockStoreError)?.message ?? "\(error)")")
        }
        guard let text, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Int64(String(line.dropFirst(6)).trimmingWhitespace()) else {
            throw DockStoreError.failed("cannot read the boot time: \(path) has no btime line")
        }
        return boot
    }
}
