extension DockerServiceReading.EnvironmentFile {
    /// The files an `EnvironmentFile=` glob names, as systemd 252 reads them (`safe_glob`, sorted,
    /// a leading `.` matched only by a `.`), found inside the host's root: `-/etc/sysconfig/dock*`
    /// reads /etc/sysconfig/docker and then /etc/sysconfig/docker.dockstore.bak (attack 18,
    /// A-F10). A wildcard in a folder's name, or a glob that matches nothing, stays as it is: the
    /// caller says it cannot tell.
    func globbed(on host: Host) throws -> [DockerServiceReading.EnvironmentFile] {
        let wild: (Character) -> Bool = { "*?[".contains($0) }
        guard !unresolved, path.contains(where: wild), let slash = path.lastIndex(of: "/") else { return [self] }
        let folder = String(path[..<slash]), pattern = String(path[path.index(after: slash)...])
        guard !folder.contains(where: wild) else { return [self] }
        let folderPath = folder.isEmpty ? HostPath.root : try HostPath(folder, what: "EnvironmentFile folder")
        guard let names = FolderEntries.names(host.realFollowing(folderPath)) else { return [self] }
        let matched = names.filter { PathCalls.nameMatches(pattern, $0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !matched.isEmpty else { return [self] }
        return matched.map { Self(path: HostPath.entry($0, in: folderPath).string, optional: optional, from: from) }
    }
}
