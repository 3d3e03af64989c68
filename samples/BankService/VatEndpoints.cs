using System.Globalization;
using System.Numerics;
using System.Text.Json;
using ActorSwingSet.Controller;
using ActorSwingSet.Hosting;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Marshal;
using ActorSwingSet.References;

namespace BankService;

/// <summary>
/// The HTTP endpoints. Each call queues one message, runs the kernel until it is idle, reads the result and lets go
/// of it; with a database, the block is committed before the answer goes out, so an answered request survives a
/// crash. Bad input is a 400 with a one-line reason, and changes nothing.
/// </summary>
internal sealed class VatEndpoints(bool persistent)
{
    public async Task<IResult> Call(string vat, string method, JsonElement[]? args, ISwingSetKernel kernel)
    {
        var c = await kernel.GetControllerAsync();
        try
        {
            var values = new List<object?>();
            foreach (var a in args ?? []) values.Add(await FromJson(a, kernel));
            return await Settle(c, await c.QueueToVatRootAsync(vat, method, [.. values]));
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }
    }

    public async Task<IResult> Upgrade(string vat, UpgradeRequest request, ISwingSetKernel kernel)
    {
        var c = await kernel.GetControllerAsync();
        try
        {
            return await Settle(c, await c.UpgradeVatAsync(vat, request.Bundle, upgradeMessage: request.UpgradeMessage ?? "upgraded by the bank service"));
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }
    }

    /// <summary>Runs the kernel until idle, answers with the promise's outcome, lets go of it and commits.</summary>
    private async Task<IResult> Settle(SwingSetController c, Kref kp)
    {
        await c.RunAsync();
        var status = await c.GetPromiseAsync(kp);
        await c.ReleasePromiseAsync(kp);
        if (persistent) await c.CommitAsync();
        return Results.Ok(new { state = StateName(status.State), value = ToJson(status.Resolution) });
    }

    public async Task<IResult> Info(string vat, ISwingSetKernel kernel)
    {
        var c = await kernel.GetControllerAsync();
        try
        {
            var info = await c.GetVatInfoAsync(vat);
            return Results.Ok(new { vatId = info.VatId, info.Name, bundle = info.BundleName, info.Alive, root = info.Root.ToString() });
        }
        catch (ArgumentException e)
        {
            return Results.NotFound(new { error = e.Message });
        }
    }

    public async Task<IResult> Stats(ISwingSetKernel kernel)
    {
        var s = await (await kernel.GetControllerAsync()).GetStatsAsync();
        return Results.Ok(new { s.CrankNumber, s.RunQueueLength, s.PromiseCount, s.ObjectCount, s.LiveVats });
    }

    public async Task<IResult> Audit(ISwingSetKernel kernel)
    {
        var report = await (await kernel.GetControllerAsync()).AuditAsync();
        return Results.Ok(new { clean = report.IsClean, report = report.ToString() });
    }

    private static string StateName(PromiseState s) => s.ToString().ToLowerInvariant();

    /// <summary>JSON to a passable value: integers become longs, "@name" a vat's root object.</summary>
    private static async Task<object?> FromJson(JsonElement e, ISwingSetKernel kernel) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.String when e.GetString() is ['@', .. var name] => (await (await kernel.GetControllerAsync()).GetVatInfoAsync(name)).Root,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Array => await Task.WhenAll(e.EnumerateArray().Select(x => FromJson(x, kernel))),
        _ => await FromRecord(e, kernel),
    };

    private static async Task<object?> FromRecord(JsonElement e, ISwingSetKernel kernel)
    {
        var record = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) record[p.Name] = await FromJson(p.Value, kernel);
        return record;
    }

    /// <summary>A result as JSON: references as kref strings, errors as {error, name}, big integers as strings.</summary>
    private static object? ToJson(object? v) => v switch
    {
        null or Undefined => null,
        Kref k => k.ToString(),
        PassableError err => new { error = err.Message, name = err.Name },
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> r => r.ToDictionary(kv => kv.Key, kv => ToJson(kv.Value)),
        IReadOnlyList<object?> l => l.Select(ToJson).ToList(),
        _ => v,
    };
}
