using System.Globalization;
using ActorSwingSet.Schema;

namespace ActorSwingSet.Vat.State;

/// <summary>Rebuilding one vat's state from its keys in the kvStore schema (the inverse of <see cref="Dump"/>).</summary>
internal sealed partial class VatKeeper
{
    public static VatKeeper Load(string vatId, IReadOnlyDictionary<string, string> kv)
    {
        var keeper = new VatKeeper(vatId);
        var prefix = KvKeys.VatPrefix(vatId);
        foreach (var (key, value) in kv)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            if (rest.StartsWith(KvKeys.Field.CListPrefix, StringComparison.Ordinal))
            {
                var slot = rest[KvKeys.Field.CListPrefix.Length..];
                if (Kref.TryParse(slot, out var kref))
                {
                    if (!KvKeys.TryParseCListKrefValue(value, out var reachable, out var vref)) throw new FormatException(KvKeys.NotACListKrefValue(key, value));
                    keeper._byVref[vref] = (kref, reachable);
                    keeper._byKref[kref] = vref;
                }
            }
            else if (rest.StartsWith(KvKeys.Field.VatstorePrefix, StringComparison.Ordinal))
            {
                var vatstoreKey = rest[KvKeys.Field.VatstorePrefix.Length..];
                keeper._vatstore[vatstoreKey] = value;
                keeper._vatstoreKeys.Add(vatstoreKey);
            }
            else switch (rest)
            {
                case KvKeys.Field.NextImportObjectId: keeper.NextImportObjectId = long.Parse(value, CultureInfo.InvariantCulture); break;
                case KvKeys.Field.NextImportPromiseId: keeper.NextImportPromiseId = long.Parse(value, CultureInfo.InvariantCulture); break;
                case KvKeys.Field.IncarnationNumber: keeper.IncarnationNumber = long.Parse(value, CultureInfo.InvariantCulture); break;
            }
        }
        foreach (var (vref, (kref, _)) in keeper._byVref)
            if (!kv.TryGetValue(KvKeys.CList(vatId, vref), out var back) || back != kref.ToString())
                throw new FormatException($"{vatId}'s c-list is not a two-way map at {vref}");
        keeper.MarkCommitted();
        return keeper;
    }
}
