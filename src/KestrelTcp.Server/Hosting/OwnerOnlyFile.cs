namespace KestrelTcp.Server.Hosting;

/// <summary>
/// Files under DataPath that only the server's own user may read (0600 on Unix): the audit log, the
/// device registry and history, the first-run password. A new file is created with that mode, so it is
/// never readable by others even for a moment; an existing one (from an older version) is tightened.
/// Nothing happens on Windows, where the folder's ACL decides.
/// </summary>
internal static class OwnerOnlyFile
{
    /// <summary>Read and write for the owner, nothing for anyone else.</summary>
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> empty with <see cref="Mode"/> when it does not exist, or tightens it when it does.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            try
            {
                using var created = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.ReadWrite,
                    UnixCreateMode = Mode,
                });
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created meanwhile by someone else: tighten it below.
            }
        }

        Restrict(path);
    }

    /// <summary>Sets <paramref name="path"/> to <see cref="Mode"/> if it exists and is looser (the umask
    /// filters a create mode, and SQLite creates its -wal and -shm files itself).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != Mode)
        {
            File.SetUnixFileMode(path, Mode);
        }
    }
}
