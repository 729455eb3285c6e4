/// The active swap areas (/proc/swaps), by path.
public enum SwapTable {
    public static func paths(_ file: String = "/proc/swaps") -> [String] {
        guard let text = try? FileContents.readString(file) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { FstabEntry.unescape(String($0)) }
        }
    }
}
