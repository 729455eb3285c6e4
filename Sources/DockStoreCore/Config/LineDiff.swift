/// A small unified-style diff for configuration files, where edits are local: the common
/// head and tail are skipped and the changed lines shown with `-` and `+`.
public enum LineDiff {
    public static func render(old: String?, new: String, path: String) -> String {
        render(oldBytes: old.map { Array($0.utf8) }, new: Array(new.utf8), path: path)
    }

    /// The diff of two versions of a file read as bytes; each line is shown with `ShownBytes`
    /// (a byte that is not UTF-8 as `\xNN`, a CR as `\u{0D}`), so it shows what is on disk.
    public static func render(oldBytes old: [UInt8]?, new: [UInt8], path: String) -> String {
        let a = old.map { $0.newlineSeparatedLines() } ?? []
        let b = new.newlineSeparatedLines()
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        var lines = ["--- \(old == nil ? "/dev/null" : path)", "+++ \(path)",
                     "@@ -\(head + 1),\(a.count - head - tail) +\(head + 1),\(b.count - head - tail) @@"]
        lines += a[head..<(a.count - tail)].map { "-" + ShownBytes.text($0) }
        lines += b[head..<(b.count - tail)].map { "+" + ShownBytes.text($0) }
        return lines.joined(separator: "\n")
    }
}
