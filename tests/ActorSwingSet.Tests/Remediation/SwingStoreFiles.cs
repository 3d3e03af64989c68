using Microsoft.Data.Sqlite;

namespace ActorSwingSet.Tests.Remediation;

/// <summary>Small swing-store files for tests (a <c>kvStore</c> table like SwingSet's), the committed fixtures, and running the CLI.</summary>
internal static class SwingStoreFiles
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "swingstore", name);

    /// <summary>A copy of a committed fixture in <paramref name="dir"/>, so nothing a test does can touch the original.</summary>
    public static string CopyFixture(string name, string dir)
    {
        var copy = Path.Combine(dir, name);
        File.Copy(Fixture(name), copy);
        return copy;
    }

    public static string Write(string path, IEnumerable<KeyValuePair<string, string>> kv)
    {
        using (var db = new SqliteConnection($"Data Source={path}"))
        {
            db.Open();
            using var tx = db.BeginTransaction();
            using (var create = db.CreateCommand())
            {
                create.CommandText = "CREATE TABLE kvStore (key TEXT, value TEXT, PRIMARY KEY (key))";
                create.ExecuteNonQuery();
            }
            using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO kvStore (key, value) VALUES ($k, $v)";
            var k = insert.Parameters.Add("$k", SqliteType.Text);
            var v = insert.Parameters.Add("$v", SqliteType.Text);
            foreach (var (key, value) in kv)
            {
                k.Value = key;
                v.Value = value;
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        SqliteConnection.ClearAllPools();
        return path;
    }

}
