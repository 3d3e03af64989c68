using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ActorSwingSet.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorSwingSet.Tests.Tools;

/// <summary>
/// Every command against every kind of wrong input (issue 9): each cell expects either exit code 2 with exactly one
/// line on stderr and no stack trace, or, where the input is valid for that command, its normal result; and in
/// every cell the files are byte-identical afterwards with nothing created beside them. A new command joins by one
/// line in <see cref="Commands"/>; a new kind of input by one line in <see cref="Inputs"/>.
/// </summary>
/// <remarks>
/// Run as root, 0444 files and 0555 folders do not stop writes: there the hash and listing checks are what show that
/// nothing was written, and the writing commands refuse such files by their permission bits, so the cells behave
/// alike for root and for a user. That reads open SQLite with mode=ro (and immutable=1) is checked directly in
/// <see cref="Reads_open_sqlite_read_only_and_immutable_unless_a_wal_or_journal_is_beside_the_file"/>.
/// </remarks>
[Collection(ConsoleCapture.Name)]
public sealed partial class BadInputMatrixTests(BadInputMatrixTests.Fixtures fixtures) : IClassFixture<BadInputMatrixTests.Fixtures>
{
    /// <summary>Which file a command takes.</summary>
    public enum FileKind { Ours, SwingStore }

    /// <summary>What a cell expects: one line and exit 2, System.CommandLine's usage error (exit 2, the usage on stderr), the command's valid result, or a new database.</summary>
    public enum Expect { Refused, Usage, Valid, CreatesDatabase }

    /// <summary>
    /// A command as the matrix invokes it: its file kind, its arguments for a file, whether it writes, its exit code on
    /// valid input, its arguments out of range, and whether a missing file is its normal first run.
    /// </summary>
    public sealed record Command(FileKind Kind, Func<string, Fixtures, string[]> Args, bool Writes, int ValidCode,
        Func<string, Fixtures, string[]> OutOfRange, bool CreatesMissing = false)
    {
        /// <summary>Arguments the parser itself rejects (a command without numbers to put out of range) get its usage error.</summary>
        public Expect OutOfRangeExpect { get; init; } = Expect.Refused;
    }

    public static readonly Dictionary<string, Command> Commands = new()
    {
        ["demo"] = new(FileKind.Ours, (f, _) => ["demo", "--vats", "10", "--hops", "1", "--upgrades", "1", "--db", f], Writes: true, 0,
            (f, _) => ["demo", "--vats", "2147483647", "--db", f], CreatesMissing: true),
        ["scan --db"] = new(FileKind.Ours, (f, _) => ["scan", "--db", f, "--json"], Writes: false, 0,
            (f, x) => ["scan", "--db", f, "--swingstore", x.SwingStore, "--json"]),
        ["scan --swingstore"] = new(FileKind.SwingStore, (f, _) => ["scan", "--swingstore", f, "--json"], Writes: false, 1, // 1: the fixture's damage found
            (f, x) => ["scan", "--swingstore", f, "--db", x.Ours, "--json"]),
        ["audit --swingstore"] = new(FileKind.SwingStore, (f, _) => ["audit", "--swingstore", f, "--json"], Writes: false, 1, // 1: the fixture's doctored over-count found
            (f, x) => ["audit", "--swingstore", f, "--db", x.Ours]),
        ["audit"] = new(FileKind.Ours, (f, _) => ["audit", "--db", f], Writes: false, 0,
            (f, _) => ["audit", "--db", f, "--db", f]) { OutOfRangeExpect = Expect.Usage },
        ["repair"] = new(FileKind.Ours, (f, x) => ["repair", "--db", f, "--claims", x.CleanScan], Writes: true, 0,
            (f, _) => ["repair", "--db", f, "--claim", "v1:kp-1"]),
        ["upgrade-state"] = new(FileKind.Ours, (f, _) => ["upgrade-state", "--db", f], Writes: true, 0,
            (f, _) => ["upgrade-state", "--db", f, "--db", f]) { OutOfRangeExpect = Expect.Usage },
        ["vats"] = new(FileKind.Ours, (f, _) => ["vats", "--db", f, "--json"], Writes: false, 0,
            (f, _) => ["vats", "--db", f, "--db", f]) { OutOfRangeExpect = Expect.Usage },
        ["replay"] = new(FileKind.Ours, (f, _) => ["replay", "--db", f, "--vat", "node0000"], Writes: false, 0,
            (f, _) => ["replay", "--db", f, "--vat", "node9999"]),
    };

    /// <summary>An input: made in an empty folder from the command's kind of file; returns the path to give the command.</summary>
    public sealed record Input(Func<string, FileKind, Fixtures, string> Make, Func<Command, Expect> Expected);

    private static Expect AlwaysRefused(Command _) => Expect.Refused;

    public static readonly Dictionary<string, Input> Inputs = new()
    {
        ["missing file"] = new((dir, _, _) => Path.Combine(dir, "missing.db"),
            c => c.CreatesMissing ? Expect.CreatesDatabase : Expect.Refused),
        ["symbolic link to nothing (Windows: a missing file)"] = new((dir, _, _) => OperatingSystem.IsWindows()
            ? Path.Combine(dir, "missing.db")
            : File.CreateSymbolicLink(Path.Combine(dir, "link.db"), "nowhere.db").FullName,
            c => OperatingSystem.IsWindows() && c.CreatesMissing ? Expect.CreatesDatabase : Expect.Refused),
        ["FIFO, which opening waits on (Windows: an empty file)"] = new((dir, _, _) =>
        {
            if (OperatingSystem.IsWindows()) return Write(dir, []);
            var f = Path.Combine(dir, "pipe.db");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [f])) mkfifo.WaitForExit();
            return f;
        }, AlwaysRefused),
        ["directory"] = new((dir, _, _) => Directory.CreateDirectory(Path.Combine(dir, "a-folder.db")).FullName, AlwaysRefused),
        ["empty file"] = new((dir, _, _) => Write(dir, []), AlwaysRefused),
        ["non-SQLite file"] = new((dir, _, _) => Write(dir, "just some text, certainly not a database file of any kind at all"u8.ToArray()), AlwaysRefused),
        ["truncated database"] = new((dir, kind, x) =>
        {
            var f = Copy(dir, x.Of(kind));
            using (var s = new FileStream(f, FileMode.Open)) s.SetLength(s.Length / 2);
            return f;
        }, AlwaysRefused),
        ["foreign SQLite database"] = new((dir, _, _) =>
        {
            var f = Path.Combine(dir, "notes.db");
            Sql(f, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('hello');");
            return f;
        }, AlwaysRefused),
        ["the other tool's file (a swing-store as --db, ours as --swingstore)"] = new((dir, kind, x) =>
            Copy(dir, x.Of(kind == FileKind.Ours ? FileKind.SwingStore : FileKind.Ours)), AlwaysRefused),
        ["read-only file (0444)"] = new((dir, kind, x) =>
        {
            var f = Copy(dir, x.Of(kind));
            if (OperatingSystem.IsWindows()) File.SetAttributes(f, FileAttributes.ReadOnly);
            else File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            return f;
        }, c => c.Writes ? Expect.Refused : Expect.Valid),
        ["unreadable file (0000; root reads it anyway)"] = new((dir, kind, x) =>
        {
            var f = Copy(dir, x.Of(kind));
            if (OperatingSystem.IsWindows()) File.SetAttributes(f, FileAttributes.ReadOnly);
            else File.SetUnixFileMode(f, UnixFileMode.None);
            return f;
        }, c => c.Writes || !(OperatingSystem.IsWindows() || Environment.IsPrivilegedProcess) ? Expect.Refused : Expect.Valid),
        ["read-only folder"] = new((dir, kind, x) =>
        {
            var f = Copy(dir, x.Of(kind));
            if (OperatingSystem.IsWindows()) File.SetAttributes(dir, FileAttributes.Directory | FileAttributes.ReadOnly);
            else File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return f;
        }, c => c.Writes ? Expect.Refused : Expect.Valid),
        ["corrupted SQLite page"] = new((dir, kind, x) => CorruptTableRoot(Copy(dir, x.Of(kind)), kind == FileKind.Ours ? "journal" : "kvStore"), AlwaysRefused),
        ["corrupted page no read needs (our snapshot table before the first snapshot)"] =
            new((dir, kind, x) => CorruptTableRoot(Copy(dir, x.Of(kind)), kind == FileKind.Ours ? "snapshot" : "kvStore"), AlwaysRefused),
        ["corrupted journal block"] = new((dir, _, x) => CorruptLastBlock(Copy(dir, x.Ours)), AlwaysRefused),
    };

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in Commands.Keys)
        {
            foreach (var input in Inputs.Keys) data.Add(command, input);
            data.Add(command, OutOfRangeArguments);
        }
        return data;
    }

    /// <summary>Runs <paramref name="body"/> in a new temporary folder, then removes it, read-only entries included.</summary>
    private static async Task InScratchFolder(string prefix, Func<string, Task> body)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        try
        {
            await body(dir);
        }
        finally
        {
            RemoveScratchFolder(dir);
        }
    }

    private static void InScratchFolder(string prefix, Action<string> body) =>
        InScratchFolder(prefix, dir => { body(dir); return Task.CompletedTask; }).GetAwaiter().GetResult();

    private static void RemoveScratchFolder(string dir)
    {
        foreach (var e in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Append(dir))
        {
            if (new FileInfo(e).LinkTarget is not null) continue; // a link's own mode is not used (and it may point nowhere)
            if (OperatingSystem.IsWindows()) File.SetAttributes(e, File.GetAttributes(e) & ~FileAttributes.ReadOnly);
            else File.SetUnixFileMode(e, File.GetUnixFileMode(e) | UnixFileMode.UserWrite | UnixFileMode.UserRead | (Directory.Exists(e) ? UnixFileMode.UserExecute : 0));
        }
        Directory.Delete(dir, recursive: true);
    }

    private const string OutOfRangeArguments = "out-of-range arguments";

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_command_refuses_each_wrong_input_in_one_line_and_changes_nothing(string commandName, string inputName)
    {
        var command = Commands[commandName];
        await InScratchFolder("swingset-matrix-", async dir =>
        {
            string[] args;
            Expect expected;
            if (inputName == OutOfRangeArguments)
            {
                args = command.OutOfRange(Copy(dir, fixtures.Of(command.Kind)), fixtures);
                expected = command.OutOfRangeExpect;
            }
            else
            {
                var input = Inputs[inputName];
                args = command.Args(input.Make(dir, command.Kind, fixtures), fixtures);
                expected = input.Expected(command);
            }
            var before = Listing(dir);
            var fixturesBefore = Listing(fixtures.Dir);
            var (code, stdout, stderr) = await SwingsetCli.Run(args);
            var cell = $"{commandName} x {inputName}: exit {code}\nstdout: {stdout}\nstderr: {stderr}";

            Assert.DoesNotMatch(StackTrace(), stdout + stderr);
            switch (expected)
            {
                case Expect.Refused:
                    Assert.True(code == 2, cell);
                    Assert.True(stderr.TrimEnd('\n').Split('\n').Length == 1 && stderr.Trim().Length > 0, cell);
                    Assert.StartsWith("swingset ", stderr, StringComparison.Ordinal);
                    break;
                case Expect.Usage:
                    Assert.True(code == 2, cell);
                    Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
                    break;
                case Expect.Valid:
                    Assert.True(code == command.ValidCode, cell);
                    Assert.True(stderr.Length == 0, cell);
                    break;
                case Expect.CreatesDatabase:
                    Assert.True(code == 0, cell);
                    break;
            }
            var after = Listing(dir);
            if (expected == Expect.CreatesDatabase)
            {
                // the new database, and nothing else beside it (no -wal, -shm or temporary file left)
                Assert.Equal(before.Keys.Append(Path.GetFileName(args[^1])).Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
            }
            else
            {
                Assert.Equal(before, after);
            }
            Assert.Equal(fixturesBefore, Listing(fixtures.Dir));
        });
    }

    [Fact]
    public async Task Every_command_names_the_damaged_block_at_once()
    {
        await InScratchFolder("swingset-block-", async dir =>
        {
            var f = CorruptLastBlock(Copy(dir, fixtures.Ours));
            var last = Scalar(f, "SELECT max(sequence_number) FROM journal");
            foreach (var (name, command) in Commands.Where(c => c.Value.Kind == FileKind.Ours))
            {
                var (code, _, stderr) = await SwingsetCli.Run(command.Args(f, fixtures));
                Assert.True(code == 2, name + ": " + stderr);
                Assert.Contains($"block {last} cannot be", stderr, StringComparison.Ordinal);
                Assert.Contains("swingset.block.v1 payload is damaged", stderr, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public async Task Writing_commands_refuse_a_database_another_process_has_open()
    {
        await InScratchFolder("swingset-busy-", async dir =>
        {
            var f = Copy(dir, fixtures.Ours);
            var hash = Listing(dir)["kernel.db"];
            using (var other = new SqliteConnection($"Data Source={f};Pooling=False"))
            {
                other.Open();
                using (var read = other.CreateCommand())
                {
                    read.CommandText = "SELECT count(*) FROM journal";
                    read.ExecuteScalar();
                }
                foreach (var (name, command) in Commands.Where(c => c.Value.Writes))
                {
                    var (code, _, stderr) = await SwingsetCli.Run(command.Args(f, fixtures));
                    Assert.True(code == 2, name + ": " + stderr);
                    Assert.Contains("another process has", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
                }
            }
            Assert.Equal(hash, Listing(dir)["kernel.db"]);
        });
    }

    [Fact]
    public async Task A_usage_error_exits_2_with_the_usage_on_stderr()
    {
        foreach (var args in new[] { new[] { "demo", "--vats", "many", "--in-memory" }, ["audit", "--bogus"], ["no-such-command"] })
        {
            var (code, stdout, stderr) = await SwingsetCli.Run(args);
            Assert.True(code == 2, string.Join(' ', args) + ": " + stderr);
            Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
            Assert.Equal("", stdout);
            Assert.DoesNotMatch(StackTrace(), stderr);
        }
    }

    [Fact]
    public async Task The_demo_refuses_bounds_and_contradictions_in_one_line_each()
    {
        await InScratchFolder("swingset-args-", async dir =>
        {
            foreach (var (args, expected) in new (string[], string)[]
            {
                (["demo", "--in-memory", "--vats", "2147483647"], "--vats must be between 2 and 100,000"),
                (["demo", "--in-memory", "--hops", "1001"], "--hops must be between 0 and 1,000"),
                (["demo", "--in-memory", "--vats", "10", "--upgrades", "11"], "--upgrades must be between 0 and --vats (10)"),
                (["demo", "--in-memory", "--commit-every", "0"], "--commit-every must be between 1 and 1,000,000"),
                (["demo", "--in-memory", "--db", Path.Combine(dir, "x.db")], "give --in-memory or --db FILE, not both"),
                (["demo", "--db", Path.Combine(dir, "x.db"), "--dump", Path.Combine(dir, "no-such-folder", "dump.json")], "no such folder"),
                (["demo", "--db", Path.Combine(dir, "no-such-folder", "x.db")], "no such folder"),
                (["demo", "--db", Path.Combine(dir, "x.db") + Path.DirectorySeparatorChar], "no such folder"),
                (["repair", "--db", Path.Combine(dir, "x.db"), "--claims", dir], "is a directory"),
                (["demo", "--db", Path.Combine(dir, "x.db"), "--dump", Path.Combine(dir, ".", "x.db")], "is the database (--db"),
                (["demo", "--db", Path.Combine(dir, "x.db"), "--dump", Path.Combine(dir, "x.db-wal")], "is the database's -wal file"),
            })
            {
                var (code, _, stderr) = await SwingsetCli.Run(args);
                Assert.True(code == 2, string.Join(' ', args) + ": " + stderr);
                Assert.Contains(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir)); // the --dump check came before the database was created
        });
    }

    [Fact]
    public async Task The_demo_refuses_a_vats_count_the_stored_kernel_does_not_have()
    {
        await InScratchFolder("swingset-vats-", async dir =>
        {
            var f = Copy(dir, fixtures.Ours); // a ring of 10 vats
            var before = Listing(dir);
            var (code, _, stderr) = await SwingsetCli.Run("demo", "--vats", "11", "--db", f);
            Assert.True(code == 2, stderr);
            Assert.Contains("holds a ring of 10 vats, which --vats 11 cannot change",
                Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            Assert.Equal(before, Listing(dir));
        });
    }

    [Fact]
    public async Task The_tools_read_the_journal_alone_when_the_snapshot_table_is_missing_as_the_kernel_recovers()
    {
        await InScratchFolder("swingset-nosnap-", async dir =>
        {
            var f = Copy(dir, fixtures.Ours);
            var last = Scalar(f, "SELECT max(sequence_number) FROM journal");
            Sql(f, "DROP TABLE snapshot");
            var (code, stdout, stderr) = await SwingsetCli.Run("audit", "--db", f);
            Assert.True(code == 0, stderr);
            Assert.StartsWith($"block {last},", stdout, StringComparison.Ordinal); // not "holds no committed kernel state"
        });
    }

    [Fact]
    public async Task Repair_names_what_is_wrong_in_a_claims_file_in_one_line()
    {
        await InScratchFolder("swingset-claims-", async dir =>
        {
            var claims = Path.Combine(dir, "claims.json");
            foreach (var (json, expected) in new[]
            {
                ("null", "holds Null, not a list of claims"),
                ("{\"x\":1}", "is an object without \"damaged\""),
                ("[{\"vatID\":1,\"kpid\":\"kp1\"}]", "a claim without a string \"vatID\""),
                ("{\"damaged\":[{\"vatID\":\"v1\"}]}", "a claim without a string \"kpid\""),
                ("[{\"vatID\":", "bad claims: "),
            })
            {
                File.WriteAllText(claims, json);
                var (code, _, stderr) = await SwingsetCli.Run("repair", "--db", Path.Combine(dir, "x.db"), "--claims", claims);
                Assert.True(code == 2, json + ": " + stderr);
                Assert.Contains(expected, Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
                Assert.DoesNotMatch(StackTrace(), stderr);
            }
        });
    }

    [Fact]
    public void Reads_open_sqlite_read_only_and_immutable_unless_a_wal_or_journal_is_beside_the_file()
    {
        InScratchFolder("swingset-ro-", dir =>
        {
            var f = Copy(dir, fixtures.Ours);
            var quiet = new SqliteConnectionStringBuilder(ActorSwingSet.Persistence.ReadOnlySqlite.ConnectionString(f));
            Assert.Equal(SqliteOpenMode.ReadOnly, quiet.Mode);
            Assert.Equal($"file:{f}?mode=ro&immutable=1", quiet.DataSource);
            File.WriteAllBytes(f + "-wal", []);   // a writer is at work (or crashed): plain read-only, which reads what it committed, with locks
            Assert.Equal($"file:{f}?mode=ro", new SqliteConnectionStringBuilder(ActorSwingSet.Persistence.ReadOnlySqlite.ConnectionString(f)).DataSource);
            File.Delete(f + "-wal");
            File.WriteAllBytes(f + "-journal", []);
            Assert.Equal($"file:{f}?mode=ro", new SqliteConnectionStringBuilder(ActorSwingSet.Persistence.ReadOnlySqlite.ConnectionString(f)).DataSource);
            var odd = Path.Combine(dir, "a?b#c%d.db");
            Assert.Contains("a%3fb%23c%25d.db?mode=ro", ActorSwingSet.Persistence.ReadOnlySqlite.ConnectionString(odd), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_scan_reads_blocks_another_process_committed_to_the_wal_and_leaves_its_files_alone()
    {
        await InScratchFolder("swingset-wal-", async dir =>
        {
            var f = Copy(dir, fixtures.Ours);
            var blocks = Scalar(f, "SELECT count(*) FROM journal");
            // another process writes: it drops the last block, and its pages wait in the -wal (no checkpoint while it is open)
            using var writer = new SqliteConnection($"Data Source={f};Pooling=False");
            writer.Open();
            using (var cmd = writer.CreateCommand())
            {
                cmd.CommandText = "PRAGMA wal_autocheckpoint = 0; DELETE FROM journal WHERE sequence_number = (SELECT max(sequence_number) FROM journal);";
                cmd.ExecuteNonQuery();
            }
            Assert.True(new FileInfo(f + "-wal").Length > 0, "the writer's change is in the -wal");
            var before = Listing(dir);
            var (code, stdout, stderr) = await SwingsetCli.Run("audit", "--db", f);
            Assert.True(code == 0, stderr);
            Assert.StartsWith($"block {blocks - 1},", stdout, StringComparison.Ordinal); // the committed change in the -wal is seen
            Assert.Equal(before.Keys, Listing(dir).Keys);
        });
    }

    [GeneratedRegex(@"^\s+at |\w+Exception\b|--- End of", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    /// <summary>Every file and folder under <paramref name="dir"/> with its content's hash (folders: "dir").</summary>
    private static SortedDictionary<string, string> Listing(string dir)
    {
        var listing = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
            listing[Path.GetRelativePath(dir, e)] = Directory.Exists(e) ? "dir" : Hash(e);
        return listing;
    }

    /// <summary>The file's content hash; for a symbolic link, its target; for a file this user cannot read (the 0000 input when not root), its length and time.</summary>
    private static string Hash(string file)
    {
        if (new FileInfo(file).LinkTarget is { } target) return "link to " + target;
        if (new FileInfo(file).Length == 0) return "empty"; // also a FIFO, which reading would wait on
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (UnauthorizedAccessException)
        {
            var info = new FileInfo(file);
            return $"unreadable {info.Length} {info.LastWriteTimeUtc.Ticks}";
        }
    }

    private static string Write(string dir, byte[] bytes)
    {
        var f = Path.Combine(dir, "file.db");
        File.WriteAllBytes(f, bytes);
        return f;
    }

    private static string Copy(string dir, string from)
    {
        var f = Path.Combine(dir, Path.GetFileName(from));
        File.Copy(from, f);
        return f;
    }

    private static void Sql(string file, string statement)
    {
        using var db = new SqliteConnection($"Data Source={file};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = statement;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(string file, string query)
    {
        using var db = new SqliteConnection(ActorSwingSet.Persistence.ReadOnlySqlite.ConnectionString(file));
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = query;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Overwrites the b-tree page header of <paramref name="table"/>'s root page: SQLite finds the page malformed when it reads the table.</summary>
    private static string CorruptTableRoot(string file, string table)
    {
        var root = Scalar(file, $"SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = '{table}'");
        var pageSize = Scalar(file, "PRAGMA page_size");
        using var s = new FileStream(file, FileMode.Open);
        s.Position = (root - 1) * pageSize + (root == 1 ? 100 : 0);
        s.Write([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        return file;
    }

    /// <summary>Overwrites 16 bytes in the middle of the last block's stored payload (SQLite's own checks still pass).</summary>
    public static string CorruptLastBlock(string file)
    {
        using (var db = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            db.Open();
            using var read = db.CreateCommand();
            read.CommandText = "SELECT sequence_number, message FROM journal ORDER BY sequence_number DESC LIMIT 1";
            long seq;
            byte[] message;
            using (var r = read.ExecuteReader())
            {
                r.Read();
                seq = r.GetInt64(0);
                message = (byte[])r.GetValue(1);
            }
            Array.Fill(message, (byte)0xFF, message.Length / 2, 16);
            using var write = db.CreateCommand();
            write.CommandText = "UPDATE journal SET message = $m WHERE sequence_number = $s";
            write.Parameters.AddWithValue("$m", message);
            write.Parameters.AddWithValue("$s", seq);
            write.ExecuteNonQuery();
        }
        return file;
    }

    /// <summary>The files the cells start from, made once: a small demo's database, the SwingSet fixture, and a clean scan's JSON.</summary>
    public sealed class Fixtures : IAsyncLifetime
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("swingset-matrix-fixtures-").FullName;
        public string Ours => Path.Combine(Dir, "kernel.db");
        public string SwingStore => Path.Combine(Dir, "swingstore.sqlite");
        public string CleanScan => Path.Combine(Dir, "clean-scan.json");

        public string Of(FileKind kind) => kind == FileKind.Ours ? Ours : SwingStore;

        public async Task InitializeAsync()
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "swingstore", "swingstore-v2-damaged.sqlite"), SwingStore);
            var demo = await SwingsetCli.Run("demo", "--vats", "10", "--hops", "1", "--upgrades", "1", "--commit-every", "20", "--db", Ours);
            Assert.True(demo.Code == 0, demo.Out + demo.Err);
            var scan = await SwingsetCli.Run("scan", "--db", Ours, "--json");
            Assert.True(scan.Code == 0, scan.Err);
            await File.WriteAllTextAsync(CleanScan, scan.Out);
        }

        public Task DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Dir, recursive: true);
            return Task.CompletedTask;
        }
    }
}
