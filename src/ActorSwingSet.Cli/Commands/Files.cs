using System.Runtime.InteropServices;

namespace ActorSwingSet.Cli.Commands;

/// <summary>File checks the commands make before they write.</summary>
internal static class Files
{
    /// <summary>
    /// Whether the file or folder's permission bits (on Windows, its read-only attribute) let its owner write it, and
    /// this process may write it (access(2): a file or folder of another user): a writing command refuses one that
    /// does not, also when running as root, who could write anyway.
    /// </summary>
    public static bool Writable(string path) => OperatingSystem.IsWindows()
        ? !File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
        : File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserWrite) && Access(path, WriteOk) == 0;

    private const int WriteOk = 2; // W_OK

    [DllImport("libc", EntryPoint = "access", SetLastError = true, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    /// <summary>
    /// <paramref name="path"/> made absolute with every symbolic link in it followed (to the final target), so two
    /// names of one file compare equal; a part that does not exist is kept as written. Hard links are not seen.
    /// </summary>
    public static string Real(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var real = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            real = Path.Combine(real, part);
            FileSystemInfo entry = Directory.Exists(real) ? new DirectoryInfo(real) : new FileInfo(real);
            if (entry.LinkTarget is not null && entry.ResolveLinkTarget(returnFinalTarget: true) is { } target) real = Real(target.FullName);
        }
        return real;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> name the same file (after <see cref="Real"/>).</summary>
    public static bool Same(string a, string b) => string.Equals(Real(a), Real(b),
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
