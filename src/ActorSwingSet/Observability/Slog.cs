using System.Text.Json;
using ActorSwingSet.Kernel;
using ActorSwingSet.Kernel.State;
using ActorSwingSet.Vat.Messages;

namespace ActorSwingSet.Observability;

/// <summary>
/// The slog (after SwingSet's): one JSON object per line, appended to a file, for every crank, delivery, syscall and
/// commit, in kref form and in the order the kernel did them. Lines:
/// <c>{"type":"crank-start","crankNum":N,"crankType":"routing"|"delivery"|"gc-actions","event":EVENT}</c>,
/// <c>{"type":"deliver","crankNum":N,"vatID":V,"kd":KD}</c>, <c>{"type":"syscall","crankNum":N,"vatID":V,"ksc":KSC}</c>,
/// <c>{"type":"deliver-result","crankNum":N,"vatID":V,"dr":["ok"] | ["skipped"] | ["error",PROBLEM]}</c>,
/// <c>{"type":"crank-finish","crankNum":N}</c>, and <c>{"type":"commit","crankNum":N,"block":B,"writes":W}</c>.
/// EVENT is the queue event as the state dump writes it; KD and KSC are SwingSet's arrays
/// (<c>["message",target,{methargs,result}]</c>, <c>["resolve",vatID,[[kpid,rejected,data],...]]</c>, ...), with two
/// of ours: <c>["markPromiseDurable",vatID,kpid]</c> and <c>["vatAdmin",vatID,operation,result]</c>.
/// The content is deterministic: the same inputs write the same bytes, unless <c>slog-timestamps</c> adds a
/// wall-clock <c>"time"</c> (seconds since 1970) to each line. It only observes: a file that cannot be written
/// turns the slog off (reported once) and never stops or changes the kernel. Used by one actor; not thread-safe.
/// </summary>
internal sealed class Slog : ICrankTrace
{
    private readonly FileStream _file;
    private readonly Utf8JsonWriter _json;
    private readonly bool _timestamps;
    private readonly Action<Exception> _onFailure;
    private bool _broken;

    private Slog(FileStream file, bool timestamps, Action<Exception> onFailure)
    {
        _file = file;
        _timestamps = timestamps;
        _onFailure = onFailure;
        _json = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Opens <paramref name="path"/> for appending; reports and returns null when it cannot.</summary>
    public static Slog? Open(string path, bool timestamps, Action<Exception> onFailure)
    {
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return new Slog(new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16), timestamps, onFailure);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            onFailure(e);
            return null;
        }
    }

    public void CrankStart(long crankNum, bool routing, KernelEvent? ev)
    {
        if (!Begin("crank-start", crankNum)) return;
        _json.WriteString("crankType", routing ? "routing" : ev is null ? "gc-actions" : "delivery");
        if (ev is not null)
        {
            _json.WritePropertyName("event");
            EventJson.WriteEvent(_json, ev);
        }
        End();
    }

    public void CrankFinish(long crankNum)
    {
        if (Begin("crank-finish", crankNum)) End();
    }

    public void Deliver(long crankNum, string vatId, KernelDelivery kd)
    {
        if (!Begin("deliver", crankNum)) return;
        _json.WriteString("vatID", vatId);
        _json.WriteStartArray("kd");
        switch (kd)
        {
            case KMessageDelivery m:
                _json.WriteStringValue("message");
                _json.WriteStringValue(m.Target.ToString());
                EventJson.WriteMessage(_json, m.Msg);
                break;
            case KNotifyDelivery n:
                _json.WriteStringValue("notify");
                Resolutions(n.Resolutions);
                break;
            case KGcDelivery g:
                _json.WriteStringValue(g.Kind switch
                {
                    GcDeliveryKind.DropExports => "dropExports",
                    GcDeliveryKind.RetireExports => "retireExports",
                    _ => "retireImports",
                });
                Krefs(g.Krefs);
                break;
            case KBringOutYourDead:
                _json.WriteStringValue("bringOutYourDead");
                break;
            case KStartVat s:
                _json.WriteStringValue("startVat");
                EventJson.WriteCapData(_json, s.VatParameters);
                break;
        }
        _json.WriteEndArray();
        End();
    }

    public void Syscall(long crankNum, string vatId, KernelSyscall sc)
    {
        if (!Begin("syscall", crankNum)) return;
        _json.WriteString("vatID", vatId);
        _json.WriteStartArray("ksc");
        switch (sc)
        {
            case SendSyscall s:
                _json.WriteStringValue("send");
                _json.WriteStringValue(s.Target.ToString());
                EventJson.WriteMessage(_json, s.Msg);
                break;
            case ResolveSyscall r:
                _json.WriteStringValue("resolve");
                _json.WriteStringValue(vatId);
                Resolutions(r.Resolutions);
                break;
            case SubscribeSyscall s:
                _json.WriteStringValue("subscribe");
                _json.WriteStringValue(vatId);
                _json.WriteStringValue(s.Kpid.ToString());
                break;
            case MarkDurableSyscall d:
                _json.WriteStringValue("markPromiseDurable");
                _json.WriteStringValue(vatId);
                _json.WriteStringValue(d.Kpid.ToString());
                break;
            case VatAdminSyscall a:
                _json.WriteStringValue("vatAdmin");
                _json.WriteStringValue(vatId);
                EventJson.WriteCapData(_json, a.Operation);
                _json.WriteStringValue(a.Result.ToString());
                break;
            case ExitSyscall e:
                _json.WriteStringValue("exit");
                _json.WriteStringValue(vatId);
                _json.WriteBooleanValue(e.IsFailure);
                EventJson.WriteCapData(_json, e.Info);
                break;
            case DropImportsSyscall d:
                _json.WriteStringValue("dropImports");
                Krefs(d.Krefs);
                break;
            case RetireImportsSyscall r:
                _json.WriteStringValue("retireImports");
                Krefs(r.Krefs);
                break;
            case RetireExportsSyscall r:
                _json.WriteStringValue("retireExports");
                Krefs(r.Krefs);
                break;
            case AbandonExportsSyscall a:
                _json.WriteStringValue("abandonExports");
                _json.WriteStringValue(vatId);
                Krefs(a.Krefs);
                break;
            case VatstoreSyscall v:
                _json.WriteStringValue("vatstore" + char.ToUpperInvariant(v.Operation[0]) + v.Operation[1..]);
                _json.WriteStringValue(vatId);
                break;
        }
        _json.WriteEndArray();
        End();
    }

    public void DeliverResult(long crankNum, string vatId, DeliveryStatus status, string? problem)
    {
        if (!Begin("deliver-result", crankNum)) return;
        _json.WriteString("vatID", vatId);
        _json.WriteStartArray("dr");
        if (problem is not null)
        {
            _json.WriteStringValue("error");
            _json.WriteStringValue(problem);
        }
        else
        {
            _json.WriteStringValue(status == DeliveryStatus.Skipped ? "skipped" : "ok");
        }
        _json.WriteEndArray();
        End();
    }

    public void Commit(long crankNum, long block, int writes)
    {
        if (!Begin("commit", crankNum)) return;
        _json.WriteNumber("block", block);
        _json.WriteNumber("writes", writes);
        End();
    }

    /// <summary>Pushes the buffered lines to the file (the kernel actor calls this after each run slice and commit).</summary>
    public void Flush()
    {
        if (_broken) return;
        try
        {
            _file.Flush();
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    private void Resolutions(IReadOnlyList<KResolution> resolutions)
    {
        _json.WriteStartArray();
        foreach (var r in resolutions)
        {
            _json.WriteStartArray();
            _json.WriteStringValue(r.Kpid.ToString());
            _json.WriteBooleanValue(r.Rejected);
            EventJson.WriteCapData(_json, r.Data);
            _json.WriteEndArray();
        }
        _json.WriteEndArray();
    }

    private void Krefs(IEnumerable<Kref> krefs)
    {
        _json.WriteStartArray();
        foreach (var k in krefs) _json.WriteStringValue(k.ToString());
        _json.WriteEndArray();
    }

    private bool Begin(string type, long crankNum)
    {
        if (_broken) return false;
        _json.WriteStartObject();
        _json.WriteString("type", type);
        _json.WriteNumber("crankNum", crankNum);
        return true;
    }

    private void End()
    {
        if (_timestamps) _json.WriteNumber("time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        _json.WriteEndObject();
        try
        {
            _json.Flush();
            _file.WriteByte((byte)'\n');
        }
        catch (IOException e)
        {
            Fail(e);
        }
        _json.Reset();
    }

    private void Fail(Exception e)
    {
        _broken = true;
        _onFailure(e);
    }

    public void Dispose()
    {
        Flush();
        _json.Dispose();
        try
        {
            _file.Dispose();
        }
        catch (IOException e)
        {
            if (!_broken) Fail(e);
        }
    }
}
