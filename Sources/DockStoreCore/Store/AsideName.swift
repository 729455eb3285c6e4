/// A name beside a file where dockstore's advice tells the admin to move it (`IMAGE.aside`,
/// `IMAGE.old`, a copy's `IMAGE.recovered`): the first of `PATH+SUFFIX`, `PATH+SUFFIX.2`, …
/// with nothing there, so the advice followed as printed never overwrites a file (attack 51 U
/// 4b: `mv IMAGE IMAGE.aside` replaced the admin's own IMAGE.aside). A name that cannot be
/// looked at counts as taken. The advice moves onto it with `mv -n` (and writes with `dd
/// conv=excl`), so a file put there after the look is not overwritten either.
enum AsideName {
    static func free(_ path: String, suffix: String) -> String {
        for number in 1...99 {
            let candidate = path + suffix + (number == 1 ? "" : ".\(number)")
            if case .success(nil) = Result(catching: { try FileStatus.of(candidate) }) { return candidate }
        }
        return path + suffix + ".\(RandomUUID.make().prefix(8))"
    }
}

/// The first free names beside one file for each kind of advice that moves or writes a file
/// there, looked at when the store is observed, so the plans and messages that print them
/// read no file themselves.
public struct AsideNames: Sendable, Equatable, Codable {
    /// Where a file found at the image's name goes (`IMAGE.aside`).
    public var aside: String
    /// Where an older copy of the store goes (`IMAGE.old`), and a mountpoint's files.
    public var old: String
    /// Where a copy cut short goes (`IMAGE.short`).
    public var short: String
    /// Where a copy of a live store is written (`IMAGE.recovered`).
    public var recovered: String

    /// Each looked at now.
    public static func observe(beside path: String) -> AsideNames {
        AsideNames(aside: AsideName.free(path, suffix: ".aside"), old: AsideName.free(path, suffix: ".old"),
                   short: AsideName.free(path, suffix: ".short"), recovered: AsideName.free(path, suffix: ".recovered"))
    }

    /// The first name of each, not looked at: an observation made without them (a test's).
    /// The advice's `mv -n` and `dd conv=excl` still overwrite nothing.
    public static func unobserved(beside path: String) -> AsideNames {
        AsideNames(aside: path + ".aside", old: path + ".old", short: path + ".short", recovered: path + ".recovered")
    }
}
