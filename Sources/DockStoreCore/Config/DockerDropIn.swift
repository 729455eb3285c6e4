/// The systemd drop-in `/etc/systemd/system/docker.service.d/dockstore.conf` that keeps
/// docker.service from starting while its storage is not mounted: `RequiresMountsFor=`
/// both orders docker after the mount and makes it fail when the mount fails, instead of
/// writing images into the bare folder underneath. The path is escaped for the unit-file
/// reader (`UnitFileEscape`): a `%` or a backslash in it means itself.
public enum DockerDropIn {
    public static func render(mountpoint: HostPath) -> String {
        """
        # Written by dockstore provision; a re-run rewrites it.
        # Docker must never start on the bare folder underneath its storage.
        [Unit]
        RequiresMountsFor=\(UnitFileEscape.pathWord(mountpoint.string))

        """
    }
}
