using System.Globalization;
using ActorSwingSet.Vats;

namespace ActorSwingSet.Liveslots;

/// <summary>
/// The vatstore as the C# vat layer uses it, plus reference counts for vrefs held in stored data
/// (<c>vom.rc.VREF</c>): an import or virtual object with a count above zero is kept even if no memory refers to it.
/// Key layout (all under the vat's <c>vN.vs.</c> prefix): <c>idCounters</c>, <c>vatParameters</c>,
/// <c>baggage.KEY</c>, <c>vom.dkind.K</c>/<c>vom.vkind.K</c> (kind descriptors), <c>vom.VREF</c> (object state),
/// <c>vom.rc.VREF</c>, <c>vom.es.VREF</c> (export status), <c>watch.VPID</c> (promise watchers) and
/// <c>dp.VPID</c> (durable promises). Built from the syscalls of the running delivery and the collector's
/// candidate set.
/// </summary>
internal sealed class VatStore(Func<IVatSyscalls> syscalls, GcCandidates candidates)
{
    private IVatSyscalls S => syscalls();

    public string? Get(string key) => S.VatstoreGet(key);

    public void Set(string key, string value) => S.VatstoreSet(key, value);

    public void Delete(string key) => S.VatstoreDelete(key);

    public List<string> KeysWithPrefix(string prefix)
    {
        var keys = new List<string>();
        var key = prefix;
        while (S.VatstoreGetNextKey(key) is { } next && next.StartsWith(prefix, StringComparison.Ordinal))
        {
            keys.Add(next);
            key = next;
        }
        return keys;
    }

    public long RefCount(string vref) =>
        Get("vom.rc." + vref) is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;

    /// <summary>Adds <paramref name="delta"/> to a stored-reference count; a count reaching zero makes the vref a GC candidate.</summary>
    public void AddRef(string vref, int delta)
    {
        var n = RefCount(vref) + delta;
        if (n < 0) throw new InvalidOperationException($"reference count of {vref} went below zero");
        if (n == 0)
        {
            Delete("vom.rc." + vref);
            candidates.MaybeDead(vref);
        }
        else
        {
            Set("vom.rc." + vref, n.ToString(CultureInfo.InvariantCulture));
        }
    }
}
