using ActorSwingSet.Kernel.State;
using ActorSwingSet.Schema;
using Xunit;

namespace ActorSwingSet.Tests.Pure;

/// <summary>
/// GC actions are typed in the kernel and stored as SwingSet spells them ("vN dropExport koN"): one place writes and
/// reads that spelling, the stored set keeps its text order, and an entry that is not an action is refused by name.
/// </summary>
public sealed class GcActionTests
{
    [Theory]
    [InlineData("v1 dropExport ko23", "v1", "DropExport", 23)]
    [InlineData("v12 retireExport ko20", "v12", "RetireExport", 20)]
    [InlineData("v3 retireImport ko100", "v3", "RetireImport", 100)]
    public void A_stored_action_reads_into_its_parts_and_writes_back_the_same_text(string stored, string vat, string kind, long ko)
    {
        var action = GcAction.Parse(stored);
        Assert.Equal(new GcAction(vat, Enum.Parse<GcActionKind>(kind), Kref.Object(ko)), action);
        Assert.Equal(stored, action.ToString());
    }

    [Fact]
    public void Actions_order_as_their_stored_texts_do()
    {
        string[] stored = ["v2 dropExport ko5", "v10 dropExport ko5", "v1 retireImport ko100", "v1 retireImport ko23",
            "v1 dropExport ko9", "v1 retireExport ko9", "v2 retireExport ko1", "v1 dropExport ko10"];
        var typed = new SortedSet<GcAction>(stored.Select(GcAction.Parse));
        Assert.Equal(stored.Order(StringComparer.Ordinal), typed.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1 dropExport")]
    [InlineData("v1 dropExport ko23 extra")]
    [InlineData("v1  dropExport ko23")]
    [InlineData("v1 dropExports ko23")]
    [InlineData("v1 dropExport kp23")]
    [InlineData("v1 dropExport ko023")]
    [InlineData("d1 retireImport ko23")]
    [InlineData("v1 retireImport o+23")]
    public void A_stored_entry_that_is_not_an_action_is_refused_naming_it(string stored)
    {
        Assert.False(GcAction.TryParse(stored, out _));
        var e = Assert.Throws<FormatException>(() => GcAction.Parse(stored));
        Assert.Equal($"gcActions holds '{stored}', which is not 'vN dropExport|retireExport|retireImport koN'", e.Message);
    }

    [Fact]
    public void The_kernel_refuses_to_load_state_with_a_malformed_action_and_the_audit_reports_it()
    {
        var dump = KernelStateRenderer.All(new KernelKeeper(), []);
        dump[KvKeys.GcActions] = "[\"v1 dropExport ko20\",\"v1 forget ko20\"]";

        var e = Assert.Throws<FormatException>(() => KernelKeeper.Load(KvState.From(dump)));
        Assert.Equal("gcActions holds 'v1 forget ko20', which is not 'vN dropExport|retireExport|retireImport koN'", e.Message);
        Assert.Contains(GcAction.NotAnAction("v1 forget ko20"), KernelAudit.Run(dump).Violations);
    }
}
