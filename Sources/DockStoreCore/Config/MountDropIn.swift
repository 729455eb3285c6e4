/// The systemd drop-in `/etc/systemd/system/UNIT.mount.d/dockstore.conf` that lets systemd
/// mount an image store's fstab line only while the image is there.
///
/// The image's fstab line mounts by path. Older lines carried `loop`, with which libmount, the
/// image missing, cannot compare a loop device's backing inode and falls back to its name: any
/// loop device on the kernel whose backing file is called the same — another root's live
/// store, in a system container or a parallel boot, where every image has the default name —
/// is reused and mounted here, and Docker would start on that store (attack 18, B-F2). The line
/// has no `loop` now (`ProvisionRequest.imageMountOptions`); with `ConditionPathExists=IMAGE`
/// systemd skips the mount of a missing image, whatever the line says, and provision then makes
/// or mounts the store itself with its own loop device.
///
/// A device store's line mounts `UUID=` and needs none: provision removes it there. A file at its
/// name that is not exactly what provision writes is refused by provision, migrate-ebs and
/// teardown alike, as an edited docker.service drop-in is. One left
/// naming an image that is gone (a move to EBS interrupted before provision removed it) only
/// makes systemd skip the mount; provision mounts the store.
public enum MountDropIn {
    static let header = """
        # Written by dockstore provision; a re-run rewrites it.
        # systemd mounts the image store's fstab line only while the image is there: with it
        # missing, no loop device of another root's image of that name is mounted here.
        [Unit]

        """
    /// The header 79cf8f6 and 8495fb2 wrote (it said the line mounts with `loop`): still
    /// dockstore's, rewritten by the next provision.
    static let olderHeaders = ["""
        # Written by dockstore provision; a re-run rewrites it.
        # The image store's fstab line mounts with `loop`: when the image is missing, libmount
        # would reuse any loop device whose backing file has the image's name (another root's
        # store). systemd mounts the line only while the image is there.
        [Unit]

        """]
    static let condition = "ConditionPathExists="

    /// Where the drop-in of the mount unit of `mountpoint` lives, the unit named as systemd
    /// names it on `host` (`Host.unitPath`).
    public static func path(mountpoint: HostPath, on host: Host) -> HostPath {
        path(unitPath: host.unitPath(mountpoint))
    }

    /// The same for a mountpoint already resolved as systemd resolves it.
    static func path(unitPath: HostPath) -> HostPath {
        path(unit: MountUnitName.of(unitPath))
    }

    /// The same for a unit name (one docker.service's drop-in waits for: `StaleMountDropIn`).
    static func path(unit: String) -> HostPath {
        HostPath.entry("dockstore.conf", in: HostPath.entry(unit + ".d", in: HostPath.known("/etc/systemd/system")))
    }

    /// The drop-in of the mount unit of `unitPath` as read; nil when there is none, also when
    /// the unit's name is too long for a drop-in folder (no such file can exist: attack 34 X F1,
    /// where reading it failed status and teardown with "File name too long").
    static func read(unitPath: HostPath, on host: Host) throws -> [UInt8]? {
        guard MountUnitName.fits(unitPath) else { return nil }
        return try FileContents.read(path(unitPath: unitPath), on: host)
    }

    /// The unit whose drop-in `path` is.
    static func unit(ofPath path: HostPath) -> String {
        String(path.parent.lastComponent.dropLast(2))
    }

    public static func render(image: HostPath) -> String {
        render(image: image, header: header)
    }

    static func render(image: HostPath, header: String) -> String {
        header + condition + UnitFileEscape.pathValue(image.string) + "\n"
    }

    /// Dockstore's only when the bytes are exactly what `render` writes, or an older version
    /// wrote, for some absolute path (with the same reading as `DockerDropIn`'s assertion
    /// line); anything else is an admin's.
    public static func ownership(of bytes: [UInt8]) -> DockerDropIn.Ownership {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .foreign("it is not UTF-8 text") }
        guard let written = ([header] + olderHeaders).first(where: { text.unicodeScalars.starts(with: $0.unicodeScalars) }),
              text.hasSuffix("\n") else {
            return .foreign("it does not start with the lines dockstore writes")
        }
        let rest = text.unicodeScalars.dropFirst(written.unicodeScalars.count)
        guard let path = DockerDropIn.lineValue(String(rest), prefix: condition, on: .last),
              let image = try? HostPath(path, what: "the drop-in's image"), image.string == path,
              render(image: image, header: written) == text else {
            return .foreign("its lines are not the ones dockstore writes")
        }
        return .dockstore
    }
}
