using Akka.Actor;
using ActorSwingSet;
using ExampleVats;

// Two vats in one kernel: a bank (v1) and a customer. The customer opens an account and overdraws it; the bank is
// upgraded to v2, which keeps every account (a durable kind) but refuses overdrafts.
var bundles = new VatBundleRegistry()
    .RegisterVat<BankV1>("bank-v1")
    .RegisterVat<BankV2>("bank-v2")
    .RegisterVat<CustomerVat>("customer");
using var system = ActorSystem.Create("bank-demo", "akka.loglevel = WARNING");
var kernel = SwingSetController.Start(system, new KernelConfig
{
    Bundles = bundles,
    Vats = [new("bank", "bank-v1"), new("alice", "customer")],
});
await kernel.RunAsync();

async Task<object?> Ask(string vat, string method, params object?[] args)
{
    var result = await kernel.QueueToVatRootAsync(vat, method, args);
    await kernel.RunAsync();
    var status = await kernel.GetPromiseAsync(result);
    await kernel.ReleasePromiseAsync(result);
    return status.Resolution;
}

var bank = (await kernel.GetVatInfoAsync("bank")).Root;
Console.WriteLine($"alice joins with 100:     balance {await Ask("alice", "join", bank, "alice", 100L)}");
Console.WriteLine($"bank {await Ask("bank", "version")}, alice spends 150: {await Ask("alice", "spend", 150L)}");
var upgrade = await kernel.UpgradeVatAsync("bank", "bank-v2", upgradeMessage: "no more overdrafts");
await kernel.RunAsync();
Console.WriteLine($"upgrade:                  {Passable.Format((await kernel.GetPromiseAsync(upgrade)).Resolution)}");
Console.WriteLine($"bank {await Ask("bank", "version")}, alice spends 10:  {await Ask("alice", "spend", 10L)}");
Console.WriteLine($"alice's balance:          {await Ask("alice", "balance")}  (same account, same kref)");
Console.WriteLine(await kernel.AuditAsync());
await system.Terminate();
