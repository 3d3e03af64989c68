using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorSwingSet.Tests.Support;
using BankService;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace ActorSwingSet.Tests.Samples;

/// <summary>End to end: the sample web service on 127.0.0.1, driven over HTTP.</summary>
[Collection(ConsoleCapture.Name)]
public sealed class BankServiceTests : ScratchDirectoryTest
{

    private static async Task<(WebApplication App, HttpClient Http)> StartService(string db)
    {
        var app = BankServiceApp.Build(["--urls=http://127.0.0.1:0", $"--db={db}", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(http.BaseAddress!.Host)));
        return (app, http);
    }

    private static async Task<JsonElement> Post(HttpClient http, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task Calls_reach_vats_the_bank_upgrades_on_request_and_bad_input_changes_nothing()
    {
        var (app, http) = await StartService(":memory:");
        var joined = await Post(http, "/vats/alice/call/join", new object[] { "@bank", "alice", 100 });
        Assert.Equal("fulfilled", joined.GetProperty("state").GetString());
        Assert.Equal(100, joined.GetProperty("value").GetInt64());
        Assert.Equal("spent 150, -50 left", (await Post(http, "/vats/alice/call/spend", new object[] { 150 })).GetProperty("value").GetString());

        var upgraded = await Post(http, "/vats/bank/upgrade", new { bundle = "bank-v2", upgradeMessage = "no more overdrafts" });
        Assert.Equal(1, upgraded.GetProperty("value").GetProperty("incarnationNumber").GetInt64());
        Assert.Equal("refused: Error: insufficient funds", (await Post(http, "/vats/alice/call/spend", new object[] { 10 })).GetProperty("value").GetString());
        Assert.Equal("v2", (await Post(http, "/vats/bank/call/version", Array.Empty<object>())).GetProperty("value").GetString());

        // bad input: a clear 400, and the kernel keeps serving
        var unknown = await Post(http, "/vats/nobody/call/x", Array.Empty<object>(), HttpStatusCode.BadRequest);
        Assert.Contains("no vat named 'nobody'", unknown.GetProperty("error").GetString());
        var badBundle = await Post(http, "/vats/bank/upgrade", new { bundle = "bank-v9" }, HttpStatusCode.BadRequest);
        Assert.Contains("bank-v9", badBundle.GetProperty("error").GetString());
        var rejected = await Post(http, "/vats/bank/call/noSuchMethod", Array.Empty<object>());
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal(-50, (await Post(http, "/vats/alice/call/balance", Array.Empty<object>())).GetProperty("value").GetInt64());

        var audit = JsonDocument.Parse(await http.GetStringAsync("/audit")).RootElement;
        Assert.True(audit.GetProperty("clean").GetBoolean(), audit.GetProperty("report").GetString());
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task State_survives_a_restart_of_the_service()
    {
        var db = Path.Combine(Dir, "bank.db");
        var (first, http) = await StartService(db);
        await Post(http, "/vats/bob/call/join", new object[] { "@bank", "bob", 70 });
        await first.StopAsync();
        await first.DisposeAsync();

        var (second, http2) = await StartService(db);
        Assert.Equal(70, (await Post(http2, "/vats/bob/call/balance", Array.Empty<object>())).GetProperty("value").GetInt64());
        Assert.Equal(1, (await Post(http2, "/vats/bank/call/accountCount", Array.Empty<object>())).GetProperty("value").GetInt64());
        var audit = JsonDocument.Parse(await http2.GetStringAsync("/audit")).RootElement;
        Assert.True(audit.GetProperty("clean").GetBoolean(), audit.GetProperty("report").GetString());
        await second.StopAsync();
        await second.DisposeAsync();
    }
}
