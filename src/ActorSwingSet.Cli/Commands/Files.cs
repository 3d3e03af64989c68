namespace ActorSwingSet.Cli.Commands;

/// <summary>File checks the commands make before they write.</summary>
internal static class Files
{
    /// <summary>
    /// Whether the file or folder's permission bits (on Windows, its read-only attribute) let its owner write it: a
    /// writing command refuses one that does not, also when running as root, who could write anyway.
    /// </summary>
    public static bool Writable(string path) => OperatingSystem.IsWindows()
        ? !File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
        : File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserWrite);
}
