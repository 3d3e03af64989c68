using System.Globalization;
using ActorSwingSet.References;

namespace ActorSwingSet.Vat.State;

/// <summary>Rebuilding one vat's state from its keys in the kvStore schema (the inverse of <see cref="Dump"/>).</summary>
internal sealed partial class VatKeeper
{
    public static VatKeeper Load(string vatId, IReadOnlyDictionary<string, string> kv)
    {
        var keeper = new VatKeeper(vatId);
        var prefix = vatId + ".";
        foreach (var (key, value) in kv)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = key[prefix.Length..];
            if (rest.StartsWith("c.", StringComparison.Ordinal))
            {
                var slot = rest[2..];
                if (Kref.TryParse(slot, out var kref))
                {
                    var vref = value[2..];
                    keeper._byVref[vref] = (kref, value[0] == 'R');
                    keeper._byKref[kref] = vref;
                }
            }
            else if (rest.StartsWith("vs.", StringComparison.Ordinal))
            {
                keeper._vatstore[rest[3..]] = value;
                keeper._vatstoreKeys.Add(rest[3..]);
            }
            else switch (rest)
            {
                case "o.nextID": keeper.NextImportObjectId = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "p.nextID": keeper.NextImportPromiseId = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "incarnationNumber": keeper.IncarnationNumber = long.Parse(value, CultureInfo.InvariantCulture); break;
            }
        }
        foreach (var (vref, (kref, _)) in keeper._byVref)
            if (!kv.TryGetValue(prefix + "c." + vref, out var back) || back != kref.ToString())
                throw new FormatException($"{vatId}'s c-list is not a two-way map at {vref}");
        keeper.MarkCommitted();
        return keeper;
    }
}
