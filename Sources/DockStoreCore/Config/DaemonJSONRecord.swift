/// /var/lib/dockstore/daemon.json.before-provision: /etc/docker/daemon.json as it was before
/// provision removed its storage keys (`storage-opts`, and a `storage-driver` beside them
/// when the options belong to another driver), byte for byte, so that teardown gives the file
/// back. JSON has no comments, and dockerd refuses a key it does not know, so the record
/// cannot live in the file itself, as the marks in fstab and /etc/sysconfig/docker do.
///
/// It is written ahead: the daemon-json step writes the record first, then the file, so a
/// kill between them leaves a record of a file that still holds its keys (teardown then has
/// nothing to give back) and never an edited file without its record.
public enum DaemonJSONRecord {
    public static let path = HostPath.known("/var/lib/dockstore/daemon.json.before-provision")

    /// The bytes teardown writes back: the recorded file, while daemon.json holds exactly
    /// what provision's edit made of it (`DaemonJSON.removingStorageKeys`). A file changed
    /// since (an admin's edit, `dockstore backend`), a missing one, or a record that does not
    /// parse gives nil: daemon.json then stays as it is, as dockerd starts with it now.
    public static func givenBack(record: [UInt8], current: [UInt8]?, path: String) -> [UInt8]? {
        guard let current, current != record else { return nil }
        let edited: [UInt8]
        do {
            edited = try DaemonJSON(path: path, bytes: record).removingStorageKeys()
        } catch {
            return nil
        }
        return edited == current ? record : nil
    }
}
