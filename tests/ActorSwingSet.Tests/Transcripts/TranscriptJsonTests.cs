using ActorSwingSet.Vat.Transcript;
using ActorSwingSet.Vats;
using Xunit;

namespace ActorSwingSet.Tests.Transcripts;

/// <summary>The stored form of transcript entries: every delivery kind round-trips to the same text, and damage is named.</summary>
public sealed class TranscriptJsonTests
{
    private static readonly VCapData Data = VCapData.Of("#{\"a\":\"$0.Alleged: thing\",\"s\":\"é <&> ✓\"}", "o-50");

    public static TheoryData<string> Deliveries() =>
    [
        Text(new MessageDelivery("o+0", Data, "p-60")),
        Text(new MessageDelivery("o+3", Data, null)),
        Text(new NotifyDelivery([new VatResolution("p+5", true, Data), new VatResolution("p-61", false, VCapData.Of("#null"))])),
        Text(new DropExportsDelivery(["o+1", "o+2"])),
        Text(new RetireExportsDelivery(["o+1"])),
        Text(new RetireImportsDelivery(["o-50"])),
        Text(BringOutYourDeadDelivery.Instance),
        Text(new StartVatDelivery(VCapData.Of("#null"))),
    ];

    private static string Text(VatDelivery d) => TranscriptJson.Entry(new TranscriptEntry(d,
    [
        new RecordedSyscall(new SyscallCall("send", "o-50", Data, "p+7"), null),
        new RecordedSyscall(new SyscallCall("vatstoreGet", "idCounters"), "{\"exportId\":1}"),
        new RecordedSyscall(new SyscallCall("vatstoreGetNextKey", "baggage."), null),
        new RecordedSyscall(new SyscallCall("dropImports", new[] { "o-50" }), null),
    ]));

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void An_entry_reads_back_to_the_same_text(string text)
    {
        var entry = TranscriptJson.ParseEntry(text);
        Assert.Equal(text, TranscriptJson.Entry(entry));
        Assert.Equal("{\"exportId\":1}", entry.Syscalls[1].Result);
        Assert.Null(entry.Syscalls[2].Result);
    }

    [Fact]
    public void The_text_is_compact_and_readable()
    {
        Assert.Equal("{\"d\":[\"message\",\"o+0\",{\"methargs\":{\"body\":\"#null\",\"slots\":[]},\"result\":\"p-60\"}],"
            + "\"sc\":[{\"s\":[\"subscribe\",\"p-60\"],\"r\":[\"ok\",null]}],\"r\":[\"ok\"]}",
            TranscriptJson.Entry(new TranscriptEntry(new MessageDelivery("o+0", VCapData.Of("#null"), "p-60"),
                [new RecordedSyscall(new SyscallCall("subscribe", "p-60"), null)])));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"d\":[\"teleport\"],\"sc\":[],\"r\":[\"ok\"]}")]
    [InlineData("{\"d\":[\"bringOutYourDead\"],\"sc\":[{\"s\":[\"subscribe\",\"p-1\"],\"r\":[\"error\",\"no\"]}],\"r\":[\"ok\"]}")]
    [InlineData("{\"sc\":[],\"r\":[\"ok\"]}")]
    public void A_damaged_entry_is_a_format_error(string text)
    {
        var e = Assert.Throws<FormatException>(() => TranscriptJson.ParseEntry(text));
        Assert.StartsWith("a transcript entry cannot be read", e.Message, StringComparison.Ordinal);
    }
}
