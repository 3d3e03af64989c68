namespace ActorSwingSet.Vat;

/// <summary>
/// The syscall only the kernel's vat-admin vat may make: <c>[operation, [args...]]</c> (<c>createVat</c>,
/// <c>upgradeVat</c>, <c>terminateVat</c>), answered by settling the result promise.
/// </summary>
internal interface IVatAdminSyscalls
{
    void CallVatAdmin(VCapData operation, string result);
}
