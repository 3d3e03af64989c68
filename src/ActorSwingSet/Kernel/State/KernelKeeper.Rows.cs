
namespace ActorSwingSet.Kernel.State;

/// <summary>
/// The keeper's own rows: the only writable form of an object or promise row. They are private, so what the keeper
/// hands out (<see cref="IKernelObject"/>, <see cref="IKernelPromise"/>) cannot be written through.
/// </summary>
internal sealed partial class KernelKeeper
{
    private sealed class ObjectRow : IKernelObject
    {
        public string? Owner { get; set; }
        public long Reachable { get; set; }
        public long Recognizable { get; set; }
        public bool OwnerReachable { get; set; }
        public SortedSet<string> Importers { get; init; } = new(StringComparer.Ordinal);
        ReadOnlySortedSet<string> IKernelObject.Importers => new(Importers);

        public ObjectRow Clone() => new()
        {
            Owner = Owner,
            Reachable = Reachable,
            Recognizable = Recognizable,
            OwnerReachable = OwnerReachable,
            Importers = new SortedSet<string>(Importers, StringComparer.Ordinal),
        };
    }

    private sealed class PromiseRow : IKernelPromise
    {
        public PromiseState State { get; set; }
        public long RefCount { get; set; }
        public string? Decider { get; set; }
        public bool Durable { get; set; }
        public SortedSet<string> Subscribers { get; init; } = new(StringComparer.Ordinal);
        ReadOnlySortedSet<string> IKernelPromise.Subscribers => new(Subscribers);
        public List<KMessage> Queue { get; init; } = [];
        IReadOnlyList<KMessage> IKernelPromise.Queue => Queue;
        public long QueueNextId { get; set; }
        public KCapData? Data { get; set; }

        public PromiseRow Clone() => new()
        {
            State = State,
            RefCount = RefCount,
            Decider = Decider,
            Durable = Durable,
            Subscribers = new SortedSet<string>(Subscribers, StringComparer.Ordinal),
            Queue = [.. Queue],
            QueueNextId = QueueNextId,
            Data = Data,
        };
    }
}
