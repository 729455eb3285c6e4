/// The active swap areas (/proc/swaps), by path.
public enum SwapTable {
    /// An unreadable table is an error: "no swap" would let a swap device be formatted.
    public static func paths(_ file: String = "/proc/swaps") throws -> [String] {
        guard let text = try FileContents.readString(file) else {
            throw DockStoreError.failed("cannot read \(file): dockstore cannot tell which devices are swap")
        }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { FstabEntry.unescape(String($0)) }
        }
    }
}
