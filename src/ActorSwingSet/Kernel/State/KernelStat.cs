namespace ActorSwingSet.Kernel.State;

/// <summary>Counters the kernel keeps (journalled with the crank, so a rolled-back crank leaves no trace).</summary>
public enum KernelStat
{
    Cranks,
    RoutingCranks,
    DeliveryCranks,
    DeliverMessage,
    DeliverNotify,
    DeliverDropExports,
    DeliverRetireExports,
    DeliverRetireImports,
    DeliverBringOutYourDead,
    DeliverStartVat,
    Syscalls,
    PromisesCreated,
    PromisesFulfilled,
    PromisesRejected,
    PromisesDeleted,
    ObjectsCreated,
    ObjectsDeleted,
    VatsCreated,
    VatsTerminated,
    UpgradesSucceeded,
    UpgradesFailed,
    IllegalSyscalls,
}
