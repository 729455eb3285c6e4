/// The running systemd's manager, asked through systemctl.
public enum Systemd {
    /// `systemctl daemon-reload`: systemd reads the fstab and unit files again (its fstab
    /// generator turns the store's line into a mount unit). A non-zero exit is a failure with
    /// systemctl's own words.
    public static func daemonReload() throws {
        let result = try Subprocess.run("systemctl", ["daemon-reload"], package: "systemd")
        guard result.status == 0 else { throw DockStoreError.failed("systemctl daemon-reload failed: \(result.reason)") }
    }
}
