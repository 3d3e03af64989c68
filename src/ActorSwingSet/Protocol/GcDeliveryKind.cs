namespace ActorSwingSet.Protocol;

/// <summary>The three GC deliveries the kernel makes from its gc-action set.</summary>
internal enum GcDeliveryKind
{
    /// <summary>The exporter's objects are no longer reachable by any importer (they may still be recognized).</summary>
    DropExports,
    /// <summary>The exporter's objects are no longer recognizable by any importer: the exporter forgets them.</summary>
    RetireExports,
    /// <summary>The importer's objects are gone (their exporter retired them): the importer forgets them.</summary>
    RetireImports,
}
