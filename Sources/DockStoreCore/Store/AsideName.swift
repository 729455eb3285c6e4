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
