namespace ActorSwingSet;

/// <summary>Counters the kernel keeps (journalled with the crank, so a rolled-back crank leaves no trace).</summary>
public enum KernelStat
{
    /// <summary>Cranks run, of both kinds.</summary>
    Cranks,
    /// <summary>Cranks that took an event from the acceptance queue and routed it to the run-queue or a promise queue.</summary>
    RoutingCranks,
    /// <summary>Cranks that took an event from the run-queue.</summary>
    DeliveryCranks,
    /// <summary>Messages delivered to vats.</summary>
    DeliverMessage,
    /// <summary>Notify deliveries.</summary>
    DeliverNotify,
    /// <summary>dropExports deliveries.</summary>
    DeliverDropExports,
    /// <summary>retireExports deliveries.</summary>
    DeliverRetireExports,
    /// <summary>retireImports deliveries.</summary>
    DeliverRetireImports,
    /// <summary>bringOutYourDead deliveries, including the one that begins each upgrade.</summary>
    DeliverBringOutYourDead,
    /// <summary>startVat deliveries: static and dynamic vats, and each upgraded incarnation.</summary>
    DeliverStartVat,
    /// <summary>
    /// Syscalls the vats made to the kernel. Vatstore access is not counted (the slog shows it): a vat's own store
    /// answers it, and a vat rebuilt after a restart reads its store more, so counting it would make the kernel's
    /// state depend on whether a restart happened.
    /// </summary>
    Syscalls,
    /// <summary>Kernel promises created.</summary>
    PromisesCreated,
    /// <summary>Promises fulfilled.</summary>
    PromisesFulfilled,
    /// <summary>Promises rejected.</summary>
    PromisesRejected,
    /// <summary>Promises deleted once nothing referred to them.</summary>
    PromisesDeleted,
    /// <summary>Kernel objects created (exports entering the kernel).</summary>
    ObjectsCreated,
    /// <summary>Kernel objects deleted.</summary>
    ObjectsDeleted,
    /// <summary>Dynamic vats created and started.</summary>
    VatsCreated,
    /// <summary>Vats terminated, for whatever reason.</summary>
    VatsTerminated,
    /// <summary>Upgrades that started the new incarnation.</summary>
    UpgradesSucceeded,
    /// <summary>Upgrades that failed and left the old incarnation in place.</summary>
    UpgradesFailed,
    /// <summary>Vats terminated for an illegal syscall.</summary>
    IllegalSyscalls,
}
